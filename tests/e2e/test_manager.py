"""A manager: told by e-mail of a write-off within their limit; decides only what they can, and
finds it on the decided list; builds the meeting's pack from chosen cases with the meeting's own
agenda, and it is e-mailed to the panel (a local SMTP server)."""

from __future__ import annotations

import io
from datetime import date, timedelta
from email.header import decode_header, make_header
from typing import Any

import pytest
from pypdf import PdfReader

from tests.e2e.conftest import KINGSTON, MANAGER_EMAIL, SHARED, UiApp, check_page, sign_in, wait_for_job

pytestmark = pytest.mark.browser


def test_approve_what_is_within_the_limit_and_find_it_decided(page: Any, ui_app: UiApp) -> None:
    # the seeded reports: Kingston (£2,027.50) within the manager's £5,000; Bromley (£6,920) above it
    told = [m for m in ui_app.inbox.messages if m["to"] == [MANAGER_EMAIL]]
    subjects = [str(make_header(decode_header(m["message"]["Subject"]))) for m in told]
    assert f"Write-off waiting: {KINGSTON}, £2,027.50" in subjects
    assert not any(SHARED in s for s in subjects)

    sign_in(page, ui_app, "manager")
    assert page.url.endswith("/ui/approvals")
    assert page.locator("section.approval", has_text=KINGSTON).count() == 1
    assert page.locator("section.approval", has_text=SHARED).count() == 0  # not theirs to decide
    check_page(page, ui_app, "manager-approvals")

    within = page.locator("section.approval", has_text=KINGSTON)
    within.get_by_role("button", name="Record decision").click()
    assert (
        "Choose approve or reject"
        in page.locator("section.approval", has_text=KINGSTON).locator(".field-error").inner_text()
    )
    check_page(page, ui_app, "manager-approvals-error")
    within = page.locator("section.approval", has_text=KINGSTON)
    within.get_by_label("Approve the write-off").check()
    within.get_by_label("Note (optional)").fill("Agreed: uneconomic, tracing exhausted")
    within.get_by_role("button", name="Record decision").click()
    assert f"Approved: {KINGSTON}" in page.locator("#notice").inner_text()
    assert page.locator("section.approval", has_text=KINGSTON).count() == 0

    page.get_by_role("link", name="Decided").click()
    decided = page.locator("#decided tbody tr", has_text=KINGSTON)
    assert "Approved by mina.manager" in decided.inner_text() and "tracing exhausted" in decided.inner_text()
    check_page(page, ui_app, "manager-decided")


def test_build_a_pack_for_a_meeting_and_email_it_to_the_panel(page: Any, ui_app: UiApp) -> None:
    sign_in(page, ui_app, "manager")
    page.get_by_role("link", name="Panel packs").click()
    assert page.locator("#briefings tbody tr", has_text=KINGSTON).count() == 1
    check_page(page, ui_app, "manager-panel-packs")
    page.get_by_role("link", name="Build a panel pack").click()
    assert MANAGER_EMAIL in page.locator("#recipients").inner_text()
    page.get_by_role("button", name="Make the pack and e-mail it").click()
    assert "Choose at least one case" in page.locator(".error-summary").inner_text()
    check_page(page, ui_app, "manager-pack-errors")

    meeting = date.today() + timedelta(days=14)
    page.get_by_label(f"Include {KINGSTON}").check()
    page.get_by_label(f"Include {SHARED}").check()
    page.locator("#meeting-day").fill(str(meeting.day))
    page.locator("#meeting-month").fill(str(meeting.month))
    page.locator("#meeting-year").fill(str(meeting.year))
    page.get_by_label("The meeting's own agenda items").fill(
        "Review of the write-off policy\nDates of next meetings"
    )
    page.get_by_label("Save these cases as a list called").fill("Panel of " + meeting.isoformat())
    before = len(ui_app.inbox.messages)
    page.get_by_role("button", name="Make the pack and e-mail it").click()
    page.wait_for_url("**/ui/jobs/**")
    wait_for_job(page, ui_app)
    result = page.locator("#job-items tbody tr").first
    assert "made" in result.inner_text().lower() and f"E-mailed to {MANAGER_EMAIL}" in result.inner_text()
    check_page(page, ui_app, "manager-pack-made")

    mail = [m for m in ui_app.inbox.messages[before:] if m["to"] == [MANAGER_EMAIL]]
    assert len(mail) == 1
    message = mail[0]["message"]
    day = f"{meeting.day} {meeting:%B %Y}"
    assert str(make_header(decode_header(message["Subject"]))) == f"Debt panel {day}: meeting pack"
    attached = [p for p in message.walk() if p.get_filename()]
    assert [p.get_filename() for p in attached] == [f"debt-panel-{meeting.isoformat()}.pdf"]
    pdf = PdfReader(io.BytesIO(attached[0].get_payload(decode=True)))
    cover = pdf.pages[0].extract_text()
    assert "Review of the write-off policy" in cover and "Dates of next meetings" in cover
    assert KINGSTON in cover and SHARED in cover
    # the same bytes are the stored version the panel packs page offers
    page.get_by_role("link", name="Back to the panel packs").click()
    stored = page.locator("#meeting-packs tbody tr").first.get_by_role("link").get_attribute("href")
    assert page.request.get(stored).body() == attached[0].get_payload(decode=True)

    page.get_by_role("link", name="Build a panel pack").click()
    assert page.locator("#case-list option", has_text="Panel of").count() == 1
