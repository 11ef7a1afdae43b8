"""An admin manages users and keys, and reads the policies and templates in use."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from tests.e2e.conftest import UiApp, check_page, sign_in

pytestmark = pytest.mark.browser


def test_add_a_user_and_sign_in_with_the_new_key(page: Any, ui_app: UiApp) -> None:
    sign_in(page, ui_app, "admin")
    assert page.url.endswith("/ui/admin/users")
    page.get_by_role("button", name="Add user").click()
    assert "A user needs a name" in page.locator("#name-error").inner_text()
    assert "Not one of" in page.locator("#role-error").inner_text()

    page.get_by_label("Name", exact=True).fill("pat.partner")
    page.get_by_label("Role").select_option("legal_partner")
    page.get_by_role("button", name="Add user").click()
    assert "A legal partner belongs to an organisation" in page.locator("#organisation-error").inner_text()
    page.get_by_label("Organisation").fill("Harbour Legal LLP")
    page.get_by_role("button", name="Add user").click()
    first_key = page.locator("#new-key").inner_text()
    assert first_key.startswith("dg_")
    page.get_by_role("button", name="New key for pat.partner").click()
    key = page.locator("#new-key").inner_text()
    assert key.startswith("dg_") and key != first_key
    check_page(page, ui_app, "admin-users")

    page.get_by_role("link", name="Policies").click()
    assert page.locator("section.policy").count() >= 1
    check_page(page, ui_app, "admin-policies")
    page.get_by_role("link", name="Templates").click()
    assert page.locator("tbody tr", has_text="base.css").count() >= 1
    check_page(page, ui_app, "admin-templates")

    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("API key").fill(first_key)
    page.get_by_role("button", name="Sign in").click()
    assert "not recognised" in page.locator("#api_key-error").inner_text()  # replaced by the new key
    page.get_by_label("API key").fill(key)
    page.get_by_role("button", name="Sign in").click()
    assert "pat.partner" in page.locator(".who").inner_text()


def test_a_form_without_its_csrf_token_is_refused(page: Any, ui_app: UiApp) -> None:
    sign_in(page, ui_app, "admin")
    cookie = next(c for c in page.context.cookies() if c["name"] == "docgen_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert ui_app.keys["admin"] not in cookie["value"]  # the key is never kept in the browser
    response = page.request.post("/ui/admin/users", form={"name": "mallory", "role": "admin"})
    assert response.status == 400
    page.goto("/ui/admin/users")
    assert "mallory" not in page.locator("table").inner_text()


def test_replace_a_word_template_after_its_check_and_roll_back(
    page: Any, ui_app: UiApp, tmp_path: Any
) -> None:
    import docx

    shipped = ui_app.settings.templates_dir / "docx" / "write_off_report.docx"
    override = (
        ui_app.settings.templates_dir
        / "branding"
        / ui_app.settings.council
        / "docx"
        / "write_off_report.docx"
    )
    not_word = tmp_path / "report.docx"
    not_word.write_text("this is not a Word file")
    unknown = tmp_path / "unknown.docx"
    document = docx.Document()
    document.add_paragraph("Write-off of {{ no_such_field }} for {{ case_ref }}")
    document.save(str(unknown))

    sign_in(page, ui_app, "admin")
    page.get_by_role("link", name="Templates").click()
    section = page.locator("#word-write_off_report")
    section.get_by_label("Replacement for write_off_report.docx").set_input_files(str(not_word))
    section.get_by_role("button", name="Check and use").click()
    section = page.locator("#word-write_off_report")
    assert "not a Word document" in section.locator(".lint").inner_text()
    assert "Not a Word document" in section.locator(".field-error").inner_text()

    section.get_by_label("Replacement for write_off_report.docx").set_input_files(str(unknown))
    section.get_by_role("button", name="Check and use").click()
    section = page.locator("#word-write_off_report")
    assert "undefined variable 'no_such_field'" in section.locator(".lint").inner_text()
    assert not override.exists()
    check_page(page, ui_app, "admin-template-lint")

    section.get_by_label("Replacement for write_off_report.docx").set_input_files(str(shipped))
    section.get_by_role("button", name="Check and use").click()
    section = page.locator("#word-write_off_report")
    assert "replaced" in section.locator(".tag").inner_text().lower()
    # kept in the store with a register row, never as a file on the web server's disk
    assert not override.exists()
    assert _in_force(ui_app) == hashlib.sha256(shipped.read_bytes()).hexdigest()

    section.get_by_role("button", name="Roll back write_off_report.docx").click()
    section = page.locator("#word-write_off_report")
    assert "shipped" in section.locator(".tag").inner_text().lower()
    assert _in_force(ui_app) is None


def _in_force(ui_app: UiApp) -> str | None:
    from docgen.register import open_register, unit_of_work
    from docgen.register.repositories import templates

    with unit_of_work(open_register(ui_app.settings)) as session:
        row = templates.in_force(session, ui_app.settings.council, ["write_off_report.docx"]).get(
            "write_off_report.docx"
        )
        return row.sha256 if row is not None else None


def test_register_an_organisation_and_set_a_user_s_e_mail(page: Any, ui_app: UiApp) -> None:
    sign_in(page, ui_app, "admin")
    page.get_by_role("link", name="Organisations").click()
    page.get_by_role("button", name="Register").click()
    summary = page.locator(".error-summary").inner_text()
    assert "Enter the organisation's name" in summary and "Enter the contact's e-mail address" in summary
    check_page(page, ui_app, "admin-organisations-errors")
    page.get_by_label("Name").fill("Riverside Solicitors")
    page.get_by_label("Contact e-mail address").fill("cases@riverside.example")
    page.get_by_role("button", name="Register").click()
    assert "Riverside Solicitors is registered" in page.locator("#notice").inner_text()
    assert "cases@riverside.example" in page.locator("#organisations").inner_text()
    check_page(page, ui_app, "admin-organisations")

    page.get_by_role("link", name="Users and keys").click()
    page.get_by_label("User", exact=True).select_option("olivia.officer")
    page.get_by_label("On the debt panel").check()
    page.get_by_role("button", name="Save contact details").click()
    assert "the panel's packs are sent by e-mail" in page.locator("#email-error").inner_text()
    page.get_by_label("E-mail address").fill("olivia.officer@kingston.example.gov.uk")
    page.get_by_label("On the debt panel").uncheck()
    page.get_by_role("button", name="Save contact details").click()
    assert "Contact details saved for olivia.officer" in page.locator("#notice").inner_text()
    assert "olivia.officer@kingston.example.gov.uk" in page.locator("table").inner_text()
