"""The app as served, plus one route that fails unexpectedly: what a bug would look like, to check
what the server tells the client after a 500."""

from __future__ import annotations

from api.main import create_app

app = create_app()


@app.get("/test-only/fails")
def fails() -> None:
    raise RuntimeError("a bug")
