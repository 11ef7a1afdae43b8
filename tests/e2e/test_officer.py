"""An officer's day in the browser: sign in, find a case, read its figures and eligibility,
make a document and issue it, add evidence, share and unshare, import a batch."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.e2e.conftest import KINGSTON, UiApp, shot, sign_in
from tests.fixtures.api import PARTNER_ORG
from tests.fixtures.pdfs import make_pdf

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
    shot(page, ui_app, "sign-in-error")


def test_case_list_search_and_a_bad_case_file(page: Any, ui_app: UiApp, tmp_path: Any) -> None:
    sign_in(page, ui_app, "officer")
    assert page.url.endswith("/ui/cases")
    assert page.locator("tbody tr").count() >= 3
    page.get_by_label("Search by case reference or debtor name").fill("KGN")
    page.get_by_role("button", name="Search").click()
    rows = page.locator("tbody tr")
    assert rows.count() == 1 and KINGSTON in rows.first.inner_text()
    shot(page, ui_app, "officer-case-list")

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
    shot(page, ui_app, "officer-case-file-error")


def test_make_issue_and_read_back_a_letter(page: Any, ui_app: UiApp) -> None:
    sign_in(page, ui_app, "officer")
    page.goto(f"/ui/cases/{KINGSTON}")
    assert "£2,027.50" in page.locator("#figures + dl").inner_text()
    assert page.locator("#deadlines + dl div").count() >= 1
    eligibility = page.locator("table.eligibility tbody tr")
    assert eligibility.count() >= 10
    # an ineligible type says why
    refused = page.locator("table.eligibility tr:has(.tag-no)").first
    assert refused.locator(".reasons li").count() >= 1
    shot(page, ui_app, "officer-case")

    page.locator("#type-letter_before_claim").get_by_role("button").click()
    page.wait_for_url("**/ui/jobs/**")
    page.locator("#job-done").wait_for(state="visible", timeout=45_000)
    assert page.locator("#job-status").inner_text().strip() == "Done."
    shot(page, ui_app, "officer-job-done")
    page.get_by_role("link", name="Back to the case").click()

    version = page.locator("section.document:has(h3:has-text('Letter before claim')) li.version").first
    assert "Version 1" in version.inner_text() and "draft" in version.inner_text().lower()
    thumb = version.locator("img.thumb")
    thumb.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 100", arg=thumb.element_handle())
    # drawn once, then kept by the PDF's sha256
    assert list((ui_app.settings.data_dir / "thumbnails").glob("*.png"))
    href = version.get_by_role("link", name="Version 1").get_attribute("href")
    pdf = page.request.get(href)
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")

    version.get_by_role("button", name="Mark version 1 as issued").click()
    version = page.locator("section.document:has(h3:has-text('Letter before claim')) li.version").first
    assert "issued" in version.locator(".tag").inner_text().lower()
    assert version.get_by_role("button").count() == 0
    shot(page, ui_app, "officer-versions")


def test_an_ineligible_document_says_why_on_the_job_page(page: Any, ui_app: UiApp) -> None:
    sign_in(page, ui_app, "officer")
    page.goto(f"/ui/cases/{KINGSTON}")
    page.locator("#type-n225").get_by_role("button").click()
    page.locator("#job-done").wait_for(state="visible", timeout=45_000)
    assert page.locator("#job-status").inner_text().strip() == "Finished with problems."
    # the same reason the case page gave
    assert "claim issued and served" in page.locator("#job-errors").inner_text()
    shot(page, ui_app, "officer-job-failed")


def test_keyboard_skip_link_and_focus(page: Any, ui_app: UiApp) -> None:
    sign_in(page, ui_app, "officer")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    assert page.locator(".skip-link").bounding_box()["x"] >= 0  # shown when focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "q"  # the search box comes first


def test_evidence_upload_and_sharing(page: Any, ui_app: UiApp, tmp_path: Any) -> None:
    sign_in(page, ui_app, "officer")
    page.goto(f"/ui/cases/{KINGSTON}")
    page.get_by_role("button", name="Upload evidence").click()
    assert "Choose a file" in page.locator("#evidence-error").inner_text()

    note = tmp_path / "tracing-report.txt"
    note.write_text("Tracing report: debtor confirmed at address.\n")
    page.set_input_files("#evidence", str(note))
    page.get_by_role("button", name="Upload evidence").click()
    assert "not a PDF, PNG or JPEG file" in page.locator("#evidence-error").inner_text()

    report = tmp_path / "tracing-report.pdf"
    report.write_bytes(make_pdf(1))
    page.set_input_files("#evidence", str(report))
    page.get_by_role("button", name="Upload evidence").click()
    assert page.locator("#uploads + ul a", has_text="tracing-report.pdf").count() == 1

    page.get_by_role("button", name="Share case").click()
    assert "Enter the name of the organisation" in page.locator("#organisation-error").inner_text()
    shot(page, ui_app, "officer-share-error")

    page.get_by_label("Share with organisation").fill("Elsewhere Solicitors")
    page.get_by_role("button", name="Share case").click()
    revoke = page.get_by_role("button", name="Stop sharing with Elsewhere Solicitors")
    assert revoke.count() == 1
    shot(page, ui_app, "officer-sharing")
    revoke.click()
    assert page.get_by_role("button", name="Stop sharing with Elsewhere Solicitors").count() == 0
    assert PARTNER_ORG not in page.locator("#sharing ~ table").all_inner_texts().__str__()


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
    shot(page, ui_app, "officer-import-report")
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
    page.locator("#type-letter_before_claim").get_by_role("button").click()
    page.wait_for_url("**/ui/jobs/**")
    page.locator("#job-done").wait_for(state="visible", timeout=45_000)
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
    shot(page, ui_app, "officer-bundle-error")

    upload.locator("input[name^=order_]").fill("")
    upload.locator("select").select_option("A")
    page.get_by_role("button", name="Build the bundle").click()
    assert "#doc-" in page.url
    bundle = page.locator("section.document", has_text="Hearing bundle").locator("li.version").first
    href = bundle.get_by_role("link", name="Version 1").get_attribute("href")
    pdf = PdfReader(BytesIO(page.request.get(href).body()))
    titles = _outline_titles(pdf.outline)
    # the statement moved to section A by the officer, the letter left in D, each bookmarked
    assert titles[0].startswith("Index")
    assert titles[1].startswith("A. Statements of case") and titles[2].startswith("statement-of-account")
    assert "(pp. 2–3)" in titles[2]
    assert titles[3].startswith("D. Correspondence") and titles[4].startswith("Letter before claim")
    assert len(pdf.pages) >= 5
    shot(page, ui_app, "officer-bundle-built")


def _outline_titles(outline: list[Any]) -> list[str]:
    out: list[str] = []
    for item in outline:
        out.extend(_outline_titles(item) if isinstance(item, list) else [str(item.title)])
    return out
