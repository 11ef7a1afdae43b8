"""A legal partner sees only the cases shared with their organisation; an officer shares a case
with a registered organisation (confirmed, until a date), its contact is e-mailed, the partner
reads the case; revoking says so and the case is gone for them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.e2e.conftest import SHARED, UNSHARED, UiApp, check_page, sign_in
from tests.fixtures.api import ORGANISATIONS, PARTNER_ORG, demo_case

pytestmark = pytest.mark.browser

SHARE_CASE = "KGN/SHR/2026/0002"


def test_partner_sees_only_shared_cases_and_gets_404_for_others(page: Any, ui_app: UiApp) -> None:
    sign_in(page, ui_app, "legal_partner")
    assert page.url.endswith("/ui/cases")
    listed = page.locator("tbody").inner_text()
    assert SHARED in listed and UNSHARED not in listed
    assert page.get_by_role("button", name="Add case").count() == 0
    check_page(page, ui_app, "partner-case-list")

    page.get_by_role("link", name=SHARED).click()
    assert page.locator("h1").inner_text()
    assert page.locator("#make").count() == 0 and page.locator("#record").count() == 0  # nothing to make
    assert page.get_by_role("button", name="Continue").count() == 0  # nothing to share
    link = page.get_by_role("link", name="Version 1 (PDF", exact=False).first
    pdf = page.request.get(link.get_attribute("href"))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    check_page(page, ui_app, "partner-case")

    response = page.goto(f"/ui/cases/{UNSHARED}")
    assert response is not None and response.status == 404
    assert page.locator("h1").inner_text() == "Page not found"
    check_page(page, ui_app, "partner-unshared-404")
    page.goto(f"/ui/cases?q={UNSHARED}")
    assert page.locator("tbody tr").count() == 0


def test_a_partner_receives_a_share_until_a_date_and_loses_it_when_revoked(page: Any, ui_app: UiApp) -> None:
    made = page.request.post(
        "/api/v1/cases",
        data=demo_case("kingston-sundry-individual", SHARE_CASE),
        headers={"Authorization": f"Bearer {ui_app.keys['officer']}"},
    )
    assert made.status in (201, 409)
    sign_in(page, ui_app, "officer")
    page.goto(f"/ui/cases/{SHARE_CASE}#sharing")
    # nothing chosen: the error names the field
    page.get_by_role("button", name="Continue").click()
    assert "Choose the organisation" in page.locator("#organisation-error").inner_text()
    # a name that is not registered is refused, even typed into the address
    page.goto(f"/ui/cases/{SHARE_CASE}/share?organisation=Nobody+and+Co")
    assert "is not a registered organisation" in page.locator("#organisation-error").inner_text()
    check_page(page, ui_app, "officer-share-unknown")

    # the redacted choice is carried through the check
    page.goto(f"/ui/cases/{SHARE_CASE}#sharing")
    page.get_by_label("Share with").select_option(PARTNER_ORG)
    page.get_by_label("Share redacted papers only", exact=False).check()
    page.get_by_role("button", name="Continue").click()
    assert "the redacted copies of its documents only" in page.locator("main").inner_text()
    assert page.locator("input[type='hidden'][name='redacted']").get_attribute("value") == "1"
    check_page(page, ui_app, "officer-share-confirm-redacted")

    page.goto(f"/ui/cases/{SHARE_CASE}#sharing")
    page.get_by_label("Share with").select_option(PARTNER_ORG)
    page.get_by_role("button", name="Continue").click()
    assert "redacted" not in page.locator("main").inner_text()
    contact = ORGANISATIONS[PARTNER_ORG]
    assert contact in page.locator("main").inner_text()
    last_day = date.today() + timedelta(days=30)
    page.locator("#expires-on-day").fill(str(last_day.day))
    page.locator("#expires-on-month").fill(str(last_day.month))
    page.locator("#expires-on-year").fill(str(last_day.year))
    check_page(page, ui_app, "officer-share-confirm")
    before = len(ui_app.inbox.messages)
    page.get_by_role("button", name=f"Share with {PARTNER_ORG}").click()
    notice = page.locator("#notice").inner_text()
    assert f"Shared with {PARTNER_ORG}" in notice and f"{last_day.day} {last_day:%B %Y}" in notice
    assert f"We e-mailed {contact}" in notice
    check_page(page, ui_app, "officer-shared")

    mail = ui_app.inbox.messages[before:]
    assert [m["to"] for m in mail] == [[contact]]
    message = mail[0]["message"]
    assert message["Subject"] == f"Case {SHARE_CASE} shared with {PARTNER_ORG}"
    body = message.get_payload(decode=True).decode()
    assert f"/ui/cases/{SHARE_CASE}" in body and "£" not in body  # a link, and no case details

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, ui_app, "legal_partner")
    page.get_by_role("link", name=SHARE_CASE).click()
    assert page.locator("h1").inner_text() == "Mr Owen James Pritchard"

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, ui_app, "officer")
    page.goto(f"/ui/cases/{SHARE_CASE}#sharing")
    page.get_by_role("button", name=f"Stop sharing with {PARTNER_ORG}").click()
    assert f"{PARTNER_ORG} can no longer see this case" in page.locator("#notice").inner_text()
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, ui_app, "legal_partner")
    response = page.goto(f"/ui/cases/{SHARE_CASE}")
    assert response is not None and response.status == 404
