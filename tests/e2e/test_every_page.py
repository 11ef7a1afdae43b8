"""The pages the journeys pass by quickly, each checked with axe-core (WCAG 2.2 AA) and for
sideways scrolling: every form for recording what happened on a case, the page for making each
document type (one not for the case among them), the worklist's pages, filters and sorting, and
the sign-in and import forms before anything is typed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.e2e.conftest import KINGSTON, UiApp, check_page, sign_in

pytestmark = pytest.mark.browser

PHONE = (375,)


def test_sign_in_and_import_forms_as_first_seen(page: Any, ui_app: UiApp) -> None:
    page.goto("/ui/sign-in")
    check_page(page, ui_app, "sign-in")
    sign_in(page, ui_app, "officer")
    page.goto("/ui/import")
    check_page(page, ui_app, "officer-import-form")


def test_every_form_for_recording_an_event(page: Any, ui_app: UiApp) -> None:
    from api.ui.record import LINKS

    sign_in(page, ui_app, "officer")
    page.goto(f"/ui/cases/{KINGSTON}")
    offered = page.locator("ul.record-links a")
    assert offered.count() == len(LINKS)
    for kind, words in LINKS:
        page.goto(f"/ui/cases/{KINGSTON}/record/{kind}")
        assert page.locator("h1").inner_text(), kind
        assert page.get_by_role("button", name="Record it").count() == 1, words
        check_page(page, ui_app, f"officer-record-{kind}", PHONE)


def test_the_page_for_making_each_document_type(page: Any, ui_app: UiApp) -> None:
    from docgen.documents import registry

    sign_in(page, ui_app, "officer")
    for dt in registry.all_types():
        response = page.goto(f"/ui/cases/{KINGSTON}/make/{dt.id}")
        assert response is not None and response.status == 200, dt.id
        if dt.id == "winding_up_petition":  # a company's paper, for an individual: said so, no form
            assert "This document is not for this case" in page.locator("main").inner_text()
            assert page.get_by_role("button", name="Make the document").count() == 0
        elif page.get_by_role("button", name="Make the document").count():
            # every paper may be made as served or as a redacted copy
            assert page.get_by_role("radio", name="The paper as served").is_checked(), dt.id
            assert page.get_by_role("radio", name="A redacted copy", exact=False).count() == 1, dt.id
        check_page(page, ui_app, f"officer-make-{dt.id}", PHONE)


def _balances(page: Any) -> list[Decimal]:
    cells = page.locator("table.worklist tbody td[data-label='Balance']").all_inner_texts()
    return [Decimal(c.strip().lstrip("£").replace(",", "")) for c in cells]


def test_the_worklist_pages_sorts_and_filters(
    page: Any, ui_app: UiApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    import api.ui.worklist

    # the app runs in this process: two rows a page, so the seeded cases need several pages
    monkeypatch.setattr(api.ui.worklist, "PER_PAGE", 2)
    sign_in(page, ui_app, "officer")
    page.goto("/ui/worklist?sort=case")
    caption = page.locator("#worklist-count").inner_text()
    assert "page 1 of" in caption
    first = page.locator("table.worklist tbody tr").all_inner_texts()
    assert len(first) == 2
    nav = page.get_by_role("navigation", name="Pages of the worklist")
    assert nav.locator("[aria-current='page']").inner_text() == "1"
    check_page(page, ui_app, "officer-worklist-paged")
    nav.get_by_role("link", name="Next page").click()
    assert "page 2 of" in page.locator("#worklist-count").inner_text()
    assert "sort=case" in page.url  # the filters and sorting are kept from page to page
    assert not set(page.locator("table.worklist tbody tr").all_inner_texts()) & set(first)

    # sorted by balance, largest first, across the filter form's own controls
    monkeypatch.setattr(api.ui.worklist, "PER_PAGE", 50)
    page.goto("/ui/worklist")
    page.get_by_label("Sort by").select_option("balance")
    page.get_by_label("Order").select_option("desc")
    with page.expect_navigation():  # read the rows of the answer, not of the page being left
        page.get_by_role("button", name="Apply filters").click()
    balances = _balances(page)
    assert len(balances) >= 3 and balances == sorted(balances, reverse=True)

    # a balance range keeps only the rows inside it; the officer and step filters offer what is there
    low, high = balances[-1], balances[0]
    page.get_by_label("Balance from").fill(str(low + Decimal("0.01")))
    page.get_by_label("Balance up to").fill(str(high))
    with page.expect_navigation():  # read the rows of the answer, not of the page being left
        page.get_by_role("button", name="Apply filters").click()
    kept = _balances(page)
    assert kept and all(low < b <= high for b in kept) and len(kept) < len(balances)
    assert page.locator("#officer option").count() >= 2 and page.locator("#step option").count() >= 2

    page.goto("/ui/worklist?max=lots&min=-3")
    summary = page.locator(".error-summary")
    assert "Balance from must be an amount of money" in summary.locator("a[href='#min']").inner_text()
    assert "Balance up to must be an amount of money" in summary.locator("a[href='#max']").inner_text()
    check_page(page, ui_app, "officer-worklist-filter-errors")
    page.goto("/ui/worklist?debt_type=no_such_type")
    assert "No cases match these filters" in page.locator("main").inner_text()
    check_page(page, ui_app, "officer-worklist-empty", PHONE)
