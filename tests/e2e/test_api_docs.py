"""The API's docs pages in a real browser with every request outside this machine refused: Swagger
UI and ReDoc must still draw the whole contract, and must not even try to reach another host."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import UiApp

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _watch(page: Any, ui_app: UiApp) -> list[str]:
    """Lets loopback requests through, refuses and records every other one."""
    outside: list[str] = []
    here = urlsplit(ui_app.base_url).netloc

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if url.startswith(("data:", "blob:")) or urlsplit(url).netloc == here:
            request_route.continue_()
        else:
            outside.append(url)
            request_route.abort()

    page.route("**/*", route)
    return outside


def test_swagger_ui_works_offline_with_an_authorize_button(page: Any, ui_app: UiApp) -> None:
    outside = _watch(page, ui_app)
    page.goto("/docs")
    page.locator(".swagger-ui .opblock").first.wait_for(timeout=90_000)
    assert page.locator(".swagger-ui .opblock").count() >= 25
    assert page.get_by_role("button", name="Authorize").count() >= 1
    assert page.get_by_text("Generate a paper now").count() >= 1
    path = ui_app.shots / "api-docs-swagger.png"
    page.screenshot(path=str(path), timeout=60_000)
    assert path.stat().st_size > 5000
    assert outside == []


def test_redoc_works_offline(page: Any, ui_app: UiApp) -> None:
    outside = _watch(page, ui_app)
    page.goto("/redoc")
    page.locator("h2", has_text="Generate a paper now").first.wait_for(timeout=90_000)  # a large schema
    assert page.locator("h2", has_text="Create a case").count() >= 1
    # the first screen only: ReDoc's whole page is too long to draw in one picture
    path = ui_app.shots / "api-docs-redoc.png"
    page.screenshot(path=str(path), timeout=60_000)
    assert path.stat().st_size > 5000
    assert outside == []
