"""An officer's day: record a payment and the service of a claim, see the next steps move, make a
paper and issue it (offered the matching record), then make the next step for several cases at
once from the worklist and download what was made as a ZIP. Every page is checked with axe-core
(WCAG 2.2 AA) at desktop and phone widths, with nothing wider than a 375 px window."""

from __future__ import annotations

import calendar
import io
import re
import zipfile
from datetime import date, timedelta
from typing import Any

import holidays
import pytest
from pypdf import PdfReader

from tests.e2e.conftest import KINGSTON, UiApp, check_page, sign_in, wait_for_job
from tests.fixtures.api import demo_case

pytestmark = pytest.mark.browser

DAY_CASE = "KGN/DAY/2026/0001"


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _business_days_after(start: date, n: int) -> date:
    """The n-th business day after ``start`` in England and Wales, counted here with the holidays
    package directly: the test's own reckoning, not docgen's calendar."""
    bank = holidays.country_holidays("GB", subdiv="ENG", years=[start.year, start.year + 1])
    day = start
    while n:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in bank:
            n -= 1
    return day


def _fill_date(page: Any, field: str, day: date) -> None:
    page.locator(f"#{field}-day").fill(str(day.day))
    page.locator(f"#{field}-month").fill(str(day.month))
    page.locator(f"#{field}-year").fill(str(day.year))


def _new_case(page: Any, ui_app: UiApp) -> None:
    body = demo_case("kingston-sundry-individual", DAY_CASE)
    body["recovery_history"], body["payments"] = [], []
    made = page.request.post(
        "/api/v1/cases", data=body, headers={"Authorization": f"Bearer {ui_app.keys['officer']}"}
    )
    assert made.status in (201, 409), made.text()


def _record(page: Any, link: str) -> None:
    page.locator("#record").scroll_into_view_if_needed()
    page.get_by_role("link", name=link, exact=True).click()


def test_record_payments_and_service_and_watch_the_next_steps(page: Any, ui_app: UiApp) -> None:
    _new_case(page, ui_app)
    sign_in(page, ui_app, "officer")
    assert page.url.endswith("/ui/worklist")
    page.goto(f"/ui/cases/{DAY_CASE}")
    next_step = page.locator("#next-step")
    assert "Letter before claim" in next_step.inner_text() and "Possible now" in next_step.inner_text()
    # the payments taken out of the case: £2,177.50 of invoices owed
    assert "£2,177.50" in page.locator("#figures + dl").inner_text()
    # a winding-up petition is not offered against an individual, and says why
    assert page.locator("#offered #type-winding_up_petition").count() == 0
    page.locator("#not-possible summary").click()
    reason = page.locator("#not-winding_up_petition").inner_text()
    assert "is for companies" in reason and "is an individual" in reason
    check_page(page, ui_app, "officer-case")

    # a payment, first with mistakes: the error summary takes the focus and links to the fields
    _record(page, "A payment")
    page.locator("#date-day").fill("31")
    page.locator("#date-month").fill("2")
    page.get_by_role("button", name="Record it").click()
    page.wait_for_function("document.activeElement.classList.contains('error-summary')")
    summary = page.locator(".error-summary").inner_text()
    assert "Date of payment must be a real date" in summary and "Enter amount paid" in summary
    check_page(page, ui_app, "officer-record-payment-errors")
    page.locator(".error-summary a[href='#amount']").click()
    assert page.evaluate("document.activeElement.id") == "amount"
    today = date.today()
    _fill_date(page, "date", today)
    page.get_by_label("Amount paid").fill("50.00")
    page.get_by_label("How it was paid").fill("card")
    page.get_by_role("button", name="Record it").click()
    assert f"Payment of £50.00 received on {_long(today)}" in page.locator("#notice").inner_text()
    assert "£2,127.50" in page.locator("#figures + dl").inner_text()

    # the letter before claim was sent 40 days ago: the claim is open now
    _record(page, "A letter sent")
    page.get_by_label("Letter before claim").check()
    _fill_date(page, "date", today - timedelta(days=40))
    page.get_by_role("button", name="Record it").click()
    assert (
        "Claim form (N1)" in page.locator("#next-step").inner_text()
        or "Particulars of claim" in page.locator("#next-step").inner_text()
    )

    # the claim issued 10 days ago: it must be served within four months of issue
    issued = today - timedelta(days=10)
    _record(page, "The claim issued")
    _fill_date(page, "date", issued)
    page.get_by_label("Claim number").fill("K1QZ23AB")
    page.get_by_role("button", name="Record it").click()
    step = page.locator("#next-step").inner_text()
    assert "Request for judgment (N225)" in step and "serve the claim form by" in step
    # four calendar months after issue (the same day of the month, or the month's last day)
    index = issued.month - 1 + 4
    year, month = issued.year + index // 12, index % 12 + 1
    serve_by = date(year, month, min(issued.day, calendar.monthrange(year, month)[1]))
    assert _long(serve_by) in page.locator("#last-days").inner_text()

    # served by first class post today: deemed served the second business day after; 14 days for
    # acknowledgment; judgment in default may be asked for the day after those end
    _record(page, "Service of the claim form")
    _fill_date(page, "date", today)
    page.get_by_label("First class post").check()
    check_page(page, ui_app, "officer-record-service")
    page.get_by_role("button", name="Record it").click()
    opens = _business_days_after(today, 2) + timedelta(days=15)
    step = page.locator("#next-step").inner_text()
    assert "Request for judgment (N225)" in step and f"Possible from {_long(opens)}" in step
    assert page.locator("#history").inner_text()
    assert "Claim form served on" in page.locator(".history").inner_text()

    # the request for judgment's own page draws its options: radios and a date in three boxes
    page.goto(f"/ui/cases/{DAY_CASE}/make/n225")
    assert page.get_by_role("radio", name="Service was acknowledged but no defence was filed").count() == 1
    assert page.locator("#opt-pay-by-day").count() == 1
    page.get_by_role("button", name="Make the document").click()
    page.wait_for_function("document.activeElement.classList.contains('error-summary')")
    assert _long(opens) in page.locator("#reasons").inner_text()
    check_page(page, ui_app, "officer-make-n225-refused")


def test_make_issue_and_record_the_matching_event(page: Any, ui_app: UiApp) -> None:
    sign_in(page, ui_app, "officer")
    page.goto(f"/ui/cases/{KINGSTON}")
    page.locator("#offered").get_by_role("link", name="Make letter before claim").click()
    assert page.locator("#as-of-day").input_value() == str(date.today().day)
    check_page(page, ui_app, "officer-make-letter")
    page.get_by_role("button", name="Make the document").click()
    page.wait_for_url("**/ui/jobs/**")
    wait_for_job(page, ui_app)
    assert page.locator("#job-status").inner_text().strip() == "Done."
    check_page(page, ui_app, "officer-job-done")
    page.get_by_role("link", name="Back to the case").click()

    version = page.locator("section.document:has(h3:has-text('Letter before claim')) li.version").first
    assert "draft" in version.inner_text().lower()
    href = version.get_by_role("link", name=re.compile(r"^Version \d+ \(PDF")).get_attribute("href")
    pdf = page.request.get(href)
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    version.get_by_role("link", name=re.compile(r"^Issue version")).click()
    assert "can never be changed or deleted" in page.locator("main").inner_text()
    check_page(page, ui_app, "officer-issue-confirm")
    page.get_by_role("button", name=re.compile(r"^Issue version")).click()
    notice = page.locator("#notice")
    assert "is issued" in notice.inner_text()
    notice.get_by_role("link", name="Record that the letter was sent").click()
    assert page.get_by_label("Letter before claim").is_checked()
    check_page(page, ui_app, "officer-record-offered")


def test_make_the_next_step_for_many_cases_and_download_the_zip(page: Any, ui_app: UiApp) -> None:
    sign_in(page, ui_app, "officer")
    page.goto("/ui/worklist?sort=case")
    rows = page.locator("table.worklist tbody tr")
    assert rows.count() >= 3
    assert "£" in rows.first.locator("td[data-label='Balance']").inner_text()
    check_page(page, ui_app, "officer-worklist")
    # a filter that matches nothing says so; a balance that is not money is named
    page.goto("/ui/worklist?min=lots")
    assert "Balance from must be an amount of money" in page.locator(".error-summary").inner_text()
    page.goto("/ui/worklist?debt_type=commercial_rent")
    assert page.locator("table.worklist tbody tr").count() == 1

    page.goto("/ui/worklist?sort=case")
    picked = []
    # the day's case waits for its judgment date: refused, with the reason
    for ref in ("BRO-ASC-2022-7716", KINGSTON, "SWK-COM-2024-2291", DAY_CASE):
        box = page.locator(f"input[name='case'][value='{ref}']")
        if box.count():
            box.check()
            picked.append(ref)
    assert len(picked) >= 2
    page.get_by_role("button", name="Make the next step for the selected cases").click()
    page.wait_for_url("**/ui/jobs/**")
    wait_for_job(page, ui_app)
    items = page.locator("#job-items tbody tr")
    assert items.count() == len(picked)
    made = page.locator("tr.job-item-made, tr.job-item-unchanged")
    assert made.count() >= 1
    for n in range(page.locator("tr.job-item-refused").count()):
        assert page.locator("tr.job-item-refused").nth(n).locator(".reasons li").count() >= 1
    check_page(page, ui_app, "officer-batch-job")

    archive = page.request.get(page.locator("#job-zip").get_attribute("href"))
    assert archive.status == 200 and archive.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(archive.body())) as z:
        names = z.namelist()
        assert len(names) == made.count()
        for name in names:
            assert len(PdfReader(io.BytesIO(z.read(name))).pages) >= 1

    # the same cases again on the same day: what was made is kept, each version named
    links = made.locator("a[href$='/download']")
    versions = {links.nth(n).inner_text() for n in range(links.count())}
    page.goto("/ui/worklist?sort=case")
    for ref in picked:
        page.locator(f"input[name='case'][value='{ref}']").check()
    page.get_by_role("button", name="Make the next step for the selected cases").click()
    page.wait_for_url("**/ui/jobs/**")
    wait_for_job(page, ui_app)
    kept = page.locator("tr.job-item-unchanged")
    assert kept.count() == len(versions) and page.locator("tr.job-item-made").count() == 0
    for n in range(kept.count()):
        words = kept.nth(n).locator("td[data-label='Result']").inner_text()
        assert re.search(r"Version \d+ kept", words), words
    assert {kept.nth(n).locator("a[href$='/download']").inner_text() for n in range(kept.count())} == versions
    check_page(page, ui_app, "officer-batch-job-again")
