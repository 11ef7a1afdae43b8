"""A manager decides write-offs within their limit and reads the panel packs."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import KINGSTON, SHARED, UiApp, shot, sign_in

pytestmark = pytest.mark.browser


def test_approve_within_limit_and_refuse_above_it(page: Any, ui_app: UiApp) -> None:
    sign_in(page, ui_app, "manager")
    assert page.url.endswith("/ui/approvals")
    over = page.locator("section.approval", has_text=SHARED)
    within = page.locator("section.approval", has_text=KINGSTON)
    assert "£6,920.00" in over.inner_text() and "above your limit" in over.inner_text().lower()
    assert "£2,027.50" in within.inner_text() and "within your limit" in within.inner_text().lower()
    shot(page, ui_app, "manager-approvals")

    within.get_by_role("button", name="Record decision").click()
    within = page.locator("section.approval", has_text=KINGSTON)
    assert "Choose approve or reject" in within.locator(".field-error").inner_text()

    over.get_by_label("Approve the write-off").check()
    over.get_by_role("button", name="Record decision").click()
    over = page.locator("section.approval", has_text=SHARED)
    error = over.locator(".field-error").inner_text()
    assert "cannot decide this write-off" in error and "5,000" in error
    assert page.locator(".error-summary").count() == 1
    shot(page, ui_app, "manager-over-limit")

    within = page.locator("section.approval", has_text=KINGSTON)
    within.get_by_label("Approve the write-off").check()
    within.get_by_label("Note (optional)").fill("Agreed: uneconomic, tracing exhausted")
    within.get_by_role("button", name="Record decision").click()
    within = page.locator("section.approval", has_text=KINGSTON)
    assert "Approved by mina.manager" in within.inner_text()
    assert "tracing exhausted" in within.inner_text()


def test_panel_packs_page(page: Any, ui_app: UiApp) -> None:
    sign_in(page, ui_app, "manager")
    page.get_by_role("link", name="Panel packs").click()
    assert page.locator("h1").inner_text() == "Debt panel packs"
    row = page.locator("tbody tr", has_text=KINGSTON)
    assert row.count() == 1
    pdf = page.request.get(row.get_by_role("link", name="version 1").get_attribute("href"))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    shot(page, ui_app, "manager-panel-packs")
