"""An officer in the browser: sign in, find a case, add evidence and withdraw it, import a batch,
build a bundle. (The day's work on a case and the worklist: test_officer_day.py.)"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.e2e.conftest import KINGSTON, UiApp, check_page, sign_in, wait_for_job

pytestmark = pytest.mark.browser

IMPORTS = "tests/data/imports"


def test_sign_in_rejects_a_wrong_key_next_to_the_field(page: Any, ui_app: UiApp) -> None:
    page.goto("/ui/cases")
    assert "/ui/sign-in" in page.url  # no session: sent to sign in
    page.get_by_label("API key").fill("dg_not-a-real-key")
    page.get_by_role("button", name="Sign in").click()
    error = page.locator("#api_key-error")
    assert "not recognised" in error.inner_text()
    assert page.locator("#api_key").get_attribute("aria-describedby").endswith("api_key-error")
    check_page(page, ui_app, "sign-in-error")


def test_case_list_search_and_a_bad_case_file(page: Any, ui_app: UiApp, tmp_path: Any) -> None:
    sign_in(page, ui_app, "officer")
    assert page.url.endswith("/ui/worklist")
    page.get_by_role("link", name="Cases", exact=True).click()
    assert page.locator("tbody tr").count() >= 3
    page.get_by_label("Search by case reference or debtor name").fill("KGN")
    page.get_by_role("button", name="Search").click()
    rows = page.locator("tbody tr")
    assert rows.count() == 1 and KINGSTON in rows.first.inner_text()
    check_page(page, ui_app, "officer-case-list")

    bad = tmp_path / "case.json"
    bad.write_text('{"case_ref": "X/1", ')
    page.set_input_files("#case_file", str(bad))
    page.get_by_role("button", name="Add case").click()
    assert "not valid JSON" in page.locator("#case_file-error").inner_text()

    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"format": "docgen.case/1", "case_ref": "X/2"}))
    page.set_input_files("#case_file", str(wrong))
    page.get_by_role("button", name="Add case").click()
    # every problem is named by its path in the case
    assert "problem" in page.locator("#case_file-error").inner_text()
    listed = page.locator(".case-problems").inner_text()
    assert "debtors: required" in listed and "creditor: required" in listed
    assert page.locator(".error-summary a[href='#case_file']").count() == 1
    check_page(page, ui_app, "officer-case-file-error")


def test_keyboard_skip_link_and_focus(page: Any, ui_app: UiApp) -> None:
    sign_in(page, ui_app, "officer")
    page.goto("/ui/cases")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    assert page.locator(".skip-link").bounding_box()["x"] >= 0  # shown when focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "q"  # the search box comes first


def test_evidence_types_are_stated_others_refused_and_an_upload_withdrawn(
    page: Any, ui_app: UiApp, tmp_path: Any
) -> None:
    sign_in(page, ui_app, "officer")
    page.goto(f"/ui/cases/{KINGSTON}#uploads")
    assert "A PDF, PNG image or JPEG image, up to 50 MB" in page.locator("#evidence-hint").inner_text()
    page.get_by_role("button", name="Upload evidence").click()
    assert "Choose a file" in page.locator("#evidence-error").inner_text()

    note = tmp_path / "tracing-report.txt"
    note.write_text("Tracing report: debtor confirmed at address.\n")
    page.set_input_files("#evidence", str(note))
    page.get_by_role("button", name="Upload evidence").click()
    assert (
        "tracing-report.txt is not a PDF, PNG image or JPEG image"
        in page.locator("#evidence-error").inner_text()
    )
    check_page(page, ui_app, "officer-evidence-refused")

    statement = tmp_path / "withdrawn-statement.pdf"
    _blank_pdf(statement, 1)
    page.set_input_files("#evidence", str(statement))
    page.get_by_role("button", name="Upload evidence").click()
    listed = page.locator(".evidence-list li", has_text="withdrawn-statement.pdf")
    assert listed.count() == 1
    listed.get_by_role("link", name="Withdraw withdrawn-statement.pdf").click()
    page.get_by_role("button", name="Withdraw it").click()
    assert (
        "Enter why is it withdrawn" in page.locator(".error-summary").inner_text()
        or page.locator("#reason-error").count()
    )
    page.get_by_label("Why is it withdrawn?").fill("Sent in error: it is another debtor's statement")
    check_page(page, ui_app, "officer-withdraw-confirm")
    page.get_by_role("button", name="Withdraw it").click()
    assert "withdrawn-statement.pdf was withdrawn" in page.locator("#notice").inner_text()
    assert "another debtor's statement" in page.locator("#withdrawn").inner_text()
    assert page.locator(".evidence-list li", has_text="withdrawn-statement.pdf").count() == 0
    # kept for the record, offered for no new bundle
    page.get_by_role("link", name="Build a court bundle").click()
    assert page.locator("tr", has_text="withdrawn-statement.pdf").count() == 0


def test_import_a_batch_and_see_the_row_report(page: Any, ui_app: UiApp) -> None:
    sign_in(page, ui_app, "officer")
    page.goto("/ui/import")
    page.get_by_role("button", name="Check and import").click()
    assert "Choose the cases file" in page.locator("#cases_file-error").inner_text()

    page.set_input_files("#cases_file", f"{IMPORTS}/cases.csv")
    page.set_input_files("#debts_file", f"{IMPORTS}/debts.csv")
    page.set_input_files("#mapping_file", f"{IMPORTS}/mapping.yaml")
    page.get_by_role("button", name="Check and import").click()
    assert "Nothing was imported" in page.locator(".report").inner_text()
    problems = page.locator("#problems tbody tr")
    assert problems.count() == 3
    assert "not a UK postcode" in problems.nth(1).inner_text()

    page.set_input_files("#cases_file", f"{IMPORTS}/cases.csv")
    page.set_input_files("#debts_file", f"{IMPORTS}/debts.csv")
    page.set_input_files("#mapping_file", f"{IMPORTS}/mapping.yaml")
    page.get_by_label("Import the valid rows only").check()
    page.get_by_role("button", name="Check and import").click()
    assert page.locator("#imported-count").inner_text() == "2"
    check_page(page, ui_app, "officer-import-report")
    page.goto("/ui/cases?q=SUN-000")
    assert page.locator("tbody tr").count() == 2


def _blank_pdf(path: Any, pages: int) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    with path.open("wb") as f:
        writer.write(f)


def test_bundle_builder(page: Any, ui_app: UiApp, tmp_path: Any) -> None:
    from io import BytesIO

    from pypdf import PdfReader

    sign_in(page, ui_app, "officer")
    page.goto(f"/ui/cases/{KINGSTON}")
    # the letter to bundle: made here too, so the test stands alone (a repeat stores nothing new)
    page.goto(f"/ui/cases/{KINGSTON}/make/letter_before_claim")
    page.get_by_role("button", name="Make the document").click()
    page.wait_for_url("**/ui/jobs/**")
    wait_for_job(page, ui_app)
    page.goto(f"/ui/cases/{KINGSTON}")
    evidence = tmp_path / "statement-of-account.pdf"
    _blank_pdf(evidence, 2)
    page.set_input_files("#evidence", str(evidence))
    page.get_by_role("button", name="Upload evidence").click()
    page.get_by_role("link", name="Build a court bundle").click()

    page.get_by_role("button", name="Build the bundle").click()
    assert "Choose at least one document" in page.locator("#include-error").inner_text()

    letter = page.locator("tr", has_text="Letter before claim")
    upload = page.locator("tr", has_text="statement-of-account.pdf")
    letter.get_by_role("checkbox").check()
    upload.get_by_role("checkbox").check()
    page.get_by_label("Court", exact=True).fill("County Court at Kingston upon Thames")
    upload.locator("input[name^=order_]").fill("first")
    page.get_by_role("button", name="Build the bundle").click()
    upload = page.locator("tr", has_text="statement-of-account.pdf")
    assert "whole number" in upload.locator(".field-error").inner_text()
    assert upload.get_by_role("checkbox").is_checked()  # the officer's choices are kept
    check_page(page, ui_app, "officer-bundle-error")

    upload.locator("input[name^=order_]").fill("")
    upload.locator("select").select_option("A")
    page.get_by_role("button", name="Build the bundle").click()
    assert "#doc-" in page.url
    bundle = page.locator("section.document", has_text="Hearing bundle").locator("li.version").first
    href = bundle.get_by_role("link", name="Version 1 (PDF", exact=False).get_attribute("href")
    pdf = PdfReader(BytesIO(page.request.get(href).body()))
    titles = _outline_titles(pdf.outline)
    # the statement moved to section A by the officer, the letter left in D, each bookmarked
    assert titles[0].startswith("Index")
    assert titles[1].startswith("A. Statements of case") and titles[2].startswith("statement-of-account")
    assert "(pp. 2–3)" in titles[2]
    assert titles[3].startswith("D. Correspondence") and titles[4].startswith("Letter before claim")
    assert len(pdf.pages) >= 5
    check_page(page, ui_app, "officer-bundle-built")


def _outline_titles(outline: list[Any]) -> list[str]:
    out: list[str] = []
    for item in outline:
        out.extend(_outline_titles(item) if isinstance(item, list) else [str(item.title)])
    return out
