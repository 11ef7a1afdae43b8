"""A legal partner sees only the cases shared with their organisation."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import SHARED, UNSHARED, UiApp, shot, sign_in

pytestmark = pytest.mark.browser


def test_partner_sees_only_shared_cases_and_gets_404_for_others(page: Any, ui_app: UiApp) -> None:
    sign_in(page, ui_app, "legal_partner")
    assert page.url.endswith("/ui/cases")
    rows = page.locator("tbody tr")
    assert rows.count() == 1 and SHARED in rows.first.inner_text()
    assert page.get_by_role("button", name="Add case").count() == 0
    shot(page, ui_app, "partner-case-list")

    rows.first.get_by_role("link").click()
    assert page.locator("h1").inner_text()
    assert page.locator("table.eligibility").count() == 0  # nothing to make, nothing to share
    assert page.get_by_role("button", name="Share case").count() == 0
    # the write-off report made on the shared case is theirs to read
    link = page.get_by_role("link", name="Version 1 (PDF", exact=False).first
    pdf = page.request.get(link.get_attribute("href"))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    shot(page, ui_app, "partner-case")

    response = page.goto(f"/ui/cases/{UNSHARED}")
    assert response is not None and response.status == 404
    assert page.locator("h1").inner_text() == "Page not found"
    assert UNSHARED in page.locator("main").inner_text()  # the address they typed, nothing more
    shot(page, ui_app, "partner-unshared-404")
    search = page.goto(f"/ui/cases?q={UNSHARED}")
    assert search is not None and page.locator("tbody tr").count() == 0
