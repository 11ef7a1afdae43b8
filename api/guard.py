"""The door every request passes first, before any route reads a byte of its body.

- Security headers on every answer: a Content-Security-Policy with no inline script or style and no
  framing, nosniff, a referrer policy; HSTS when the request came over https.
- A body cap per route (case JSON, uploads, imports, forms), checked against Content-Length before
  anything is read and counted again as the bytes arrive, so that a body that lies about its
  length, or has none, is cut off at the cap: 413, never a spool of gigabytes.
- Credentials before the body: an API request without a recognised key, or a page's form without a
  live session, is answered (401, or a redirect to sign-in) without reading what it sent.
- Failed sign-ins and unrecognised keys are counted per client address; past the limit the client
  gets 429 with Retry-After until the window has passed. Each refused key is audited (a request
  with no key at all is answered 401, neither counted nor audited: it guesses nothing).
- Load shed first: a request to make a document now takes its seat in the render pool here, and
  when the renders already admitted would make it wait too long it is answered 429 with
  Retry-After before anything else is spent on it (a client that prefers a job when busy,
  ``Prefer: respond-async``, goes through to the route, which queues one).

Routes find the authenticated caller in ``request.state.principal`` and the render seat in
``request.state.render_seat``.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections import OrderedDict, deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from docgen.domain.case import MAX_CASE_BYTES
from docgen.errors import DocgenError
from docgen.render.pool import PoolBusy
from docgen.services import web_sessions
from docgen.services.access import audit_refusal
from docgen.services.auth import Principal, authenticate

if TYPE_CHECKING:
    from api.deps import Services

log = logging.getLogger("docgen.api")

API_PREFIX = "/api/v1"
UI_PREFIX = "/ui"
SESSION_COOKIE = "docgen_session"

CSP = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    )
)
#: the API's documentation pages (Swagger UI, ReDoc) set styles inline as they draw; their scripts
#: are files like every other page's
DOCS_CSP = (
    CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
    .replace("img-src 'self' data:", "img-src 'self' data: blob:")
    .replace("default-src 'none'", "default-src 'none'; worker-src 'self' blob:")
)
DOCS_PATHS = frozenset({"/docs", "/redoc"})
SECURITY_HEADERS = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
HSTS = (b"strict-transport-security", b"max-age=31536000")

#: what a form that is not a file upload may send
FORM_BYTES = 64 * 1024
#: a JSON body that is not a case (jobs, shares, approvals, generation requests)
JSON_BYTES = 256 * 1024
#: a job's item list (at most 5,000 items)
JOB_BYTES = 2 * 1024 * 1024
#: a Word template an admin uploads
TEMPLATE_BYTES = 10 * 1024 * 1024

_CASE_ROOT = re.compile(r"^/api/v1/cases/?$")
_CASE_ONE = re.compile(r"^/api/v1/cases/.+$")
_UPLOAD = re.compile(r"^/api/v1/cases/.+/uploads$")
_UI_EVIDENCE = re.compile(r"^/ui/cases/.+/evidence$")
_UI_TEMPLATE = re.compile(r"^/ui/admin/templates/[^/]+$")
_WITH_BODY = frozenset({"POST", "PUT", "PATCH"})


@dataclass(frozen=True)
class Cap:
    """The most bytes a route's request may carry, and how a refusal names what was too large."""

    limit: int
    code: str = "request_too_large"
    what: str = "request"

    @property
    def message(self) -> str:
        size = self.limit / 1024 / 1024
        shown = f"{size:.0f} MB" if size >= 1 else f"{self.limit // 1024} KB"
        return f"the {self.what} is larger than the limit of {self.limit:,} bytes ({shown})"


def body_cap(method: str, path: str, services: Services) -> Cap:
    """What a request to this route may carry."""
    settings = services.settings
    if method not in _WITH_BODY:
        return Cap(0)
    if path.startswith(API_PREFIX):
        if method == "POST" and _UPLOAD.match(path):
            return Cap(settings.max_upload_bytes, "upload_too_large", "upload")
        if (method == "POST" and _CASE_ROOT.match(path)) or (method == "PUT" and _CASE_ONE.match(path)):
            return Cap(MAX_CASE_BYTES, "case_too_large", "case")
        if path == f"{API_PREFIX}/jobs":
            return Cap(JOB_BYTES)
        return Cap(JSON_BYTES)
    if path == f"{UI_PREFIX}/import":
        return Cap(settings.max_import_bytes + FORM_BYTES, "import_too_large", "import")
    if _UI_EVIDENCE.match(path):
        return Cap(settings.max_upload_bytes + FORM_BYTES, "upload_too_large", "upload")
    if path == f"{UI_PREFIX}/cases":
        return Cap(MAX_CASE_BYTES + FORM_BYTES, "case_too_large", "case file")
    if _UI_TEMPLATE.match(path):
        return Cap(TEMPLATE_BYTES + FORM_BYTES, "template_too_large", "template")
    return Cap(FORM_BYTES)


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` when a body passes its cap while it arrives. An HTTPException, so
    that the framework's body parsing passes it on as it is instead of calling it a parse error."""

    def __init__(self, cap: Cap) -> None:
        super().__init__(413, detail=cap.message)
        self.cap = cap


class FailureCounter:
    """Failed authentications per client address in a sliding window, for the whole process.

    Bounded: the oldest addresses are forgotten past ``max_clients``."""

    def __init__(self, limit: int, window_s: float = 60.0, max_clients: int = 10_000) -> None:
        self.limit = limit
        self.window_s = window_s
        self.max_clients = max_clients
        self._seen: OrderedDict[str, deque[float]] = OrderedDict()

    def _recent(self, client: str, now: float) -> deque[float]:
        times = self._seen.get(client)
        if times is None:
            return deque()
        while times and times[0] <= now - self.window_s:
            times.popleft()
        return times

    def retry_after(self, client: str) -> int:
        """Seconds until ``client`` may try again; 0 when it may now."""
        now = time.monotonic()
        times = self._recent(client, now)
        if len(times) < self.limit:
            return 0
        return max(1, int(times[0] + self.window_s - now) + 1)

    def failed(self, client: str) -> None:
        now = time.monotonic()
        times = self._recent(client, now)
        times.append(now)
        self._seen[client] = times
        self._seen.move_to_end(client)
        while len(self._seen) > self.max_clients:
            self._seen.popitem(last=False)

    def clear(self) -> None:
        self._seen.clear()


@dataclass
class _Started:
    value: bool = False


def client_address(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return None


def _cookie(scope: Scope, name: str) -> str | None:
    raw = _header(scope, b"cookie")
    if not raw:
        return None
    for part in raw.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


#: the route that renders a document while the client waits (POST)
RENDERS_NOW = re.compile(rf"^{API_PREFIX}/cases/.+/documents$")


def prefers_async(prefer: str | None) -> bool:
    """RFC 7240: ``Prefer: respond-async``, among other preferences, in any case."""
    return any(
        p.split(";")[0].split("=")[0].strip().lower() == "respond-async" for p in (prefer or "").split(",")
    )


def api_key(scope: Scope) -> str | None:
    authorization = _header(scope, b"authorization")
    if authorization:
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() == "bearer":
            return value.strip() or None
    return _header(scope, b"x-api-key")


class Guard:
    def __init__(self, app: ASGIApp, services: Services) -> None:
        self.app = app
        self.services = services
        self.failures = services.auth_failures

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = _Started()
        send = self._with_headers(scope, send, started)
        method, path = scope["method"], scope["path"]
        seat = None
        if method == "POST" and RENDERS_NOW.match(path) and not prefers_async(_header(scope, b"prefer")):
            try:
                seat = self.services.render_pool.take_seat()
            except PoolBusy as busy:
                # the small body is read and dropped unparsed, so that the connection can carry the
                # client's next request; one that is longer than the route takes is cut off instead
                kept = await _dropped(receive, body_cap(method, path, self.services).limit)
                retry = [(b"retry-after", str(busy.retry_after).encode())]
                await _problem(send, busy.status, busy.code, busy.message, headers=retry, close=not kept)
                return
            scope.setdefault("state", {})["render_seat"] = seat
        try:
            await self._let_through(scope, receive, send, started)
        finally:
            if seat is not None:
                # the route gives its seat back itself once it knows whether it renders; one still
                # held here never got that far (a refused key, a body refused)
                seat.give_back(learn=False)

    async def _let_through(self, scope: Scope, receive: Receive, send: Send, started: _Started) -> None:
        method, path = scope["method"], scope["path"]
        if path.startswith(API_PREFIX):
            allowed = await self._api_caller(scope, send)
        elif path.startswith(UI_PREFIX) and method in _WITH_BODY:
            allowed = await self._ui_caller(scope, send, path)
        else:
            allowed = True
        if not allowed:
            return

        cap = body_cap(method, path, self.services)
        declared = _header(scope, b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > cap.limit):
            if declared.isdigit():
                await self._too_large(scope, send, cap)
            else:
                await _problem(
                    send, 400, "bad_request", "the Content-Length header is not a number", close=True
                )
            return

        try:
            await self.app(scope, _capped(receive, cap), send)
        except BodyTooLarge:
            if started.value:
                raise
            await self._too_large(scope, send, cap)

    @staticmethod
    async def _too_large(scope: Scope, send: Send, cap: Cap) -> None:
        if scope["path"].startswith(UI_PREFIX):
            await _page(send, 413, "The file is too large", cap.message[:1].upper() + cap.message[1:] + ".")
        else:
            await _problem(send, 413, cap.code, cap.message, close=True)

    # -- who is asking -----------------------------------------------------------------------

    async def _api_caller(self, scope: Scope, send: Send) -> bool:
        client = client_address(scope)
        wait = self.failures.retry_after(client)
        if wait:
            await _problem(
                send,
                429,
                "too_many_attempts",
                "too many requests with a key that is not recognised; try again later",
                headers=[(b"retry-after", str(wait).encode())],
            )
            return False
        key = api_key(scope)
        settings = self.services.settings
        try:
            principal: Principal = await self.services.in_read_transaction(
                lambda s: authenticate(s, key, settings.secret_key)
            )
        except DocgenError as exc:
            if key:
                # a key that was tried and is not recognised: counted (guessing is what the limit
                # stops) and audited; a request with no key at all guesses nothing
                self.failures.failed(client)
                await self._audit_denied(client, scope["path"], "key not recognised")
            await _problem(
                send, exc.status, exc.code, exc.message, headers=[(b"www-authenticate", b"Bearer")]
            )
            return False
        scope.setdefault("state", {})["principal"] = principal
        return True

    async def _ui_caller(self, scope: Scope, send: Send, path: str) -> bool:
        if path == f"{UI_PREFIX}/sign-in":
            wait = self.failures.retry_after(client_address(scope))
            if wait:
                await _page(
                    send,
                    429,
                    "Too many attempts to sign in",
                    "Too many keys that were not recognised came from your address. Wait a minute, "
                    "then try again.",
                    headers=[(b"retry-after", str(wait).encode())],
                )
                return False
            return True
        token = _cookie(scope, SESSION_COOKIE)
        active = await self.services.in_transaction(lambda s: web_sessions.find(s, token))
        if active is None:
            # the form is not read: whoever sent it must sign in first
            await _redirect(send, f"{UI_PREFIX}/sign-in")
            return False
        return True

    async def _audit_denied(self, client: str, path: str, reason: str) -> None:
        def write(session: Any) -> None:
            audit_refusal(session, "anonymous", f"client:{client}", {"path": path[:300], "reason": reason})

        try:
            await self.services.in_transaction(write)
        except Exception:  # the refusal stands whether or not the register could note it
            log.warning("could not audit a refused request from %s", client, exc_info=True)

    # -- headers on every answer -------------------------------------------------------------

    @staticmethod
    def _with_headers(scope: Scope, send: Send, started: _Started) -> Send:
        https = scope.get("scheme") == "https"
        docs = scope.get("path") in DOCS_PATHS

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                started.value = True
                headers = list(message.get("headers", ()))
                present = {k.lower() for k, _ in headers}
                for key, value in SECURITY_HEADERS:
                    if key not in present:
                        headers.append(
                            (key, DOCS_CSP.encode() if docs and key == SECURITY_HEADERS[0][0] else value)
                        )
                if https and HSTS[0] not in present:
                    headers.append(HSTS)
                message = {**message, "headers": headers}
            await send(message)

        return sending


def _capped(receive: Receive, cap: Cap) -> Receive:
    received = 0

    async def receiving() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > cap.limit:
                raise BodyTooLarge(cap)
        return message

    return receiving


async def _dropped(receive: Receive, limit: int) -> bool:
    """Read a request's body and drop it; False when it ran past ``limit`` bytes or the client left."""
    seen = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return False
        seen += len(message.get("body", b""))
        if seen > limit:
            return False
        if not message.get("more_body", False):
            return True


async def _problem(
    send: Send,
    status: int,
    code: str,
    message: str,
    *,
    headers: list[tuple[bytes, bytes]] | None = None,
    close: bool = False,
) -> None:
    body = json.dumps({"code": code, "message": message, "problems": []}).encode()
    extra = list(headers or [])
    if close:
        # the rest of the body is not read, so the connection cannot carry another request
        extra.append((b"connection", b"close"))
    await _send(send, status, b"application/json", body, extra)


async def _page(
    send: Send, status: int, title: str, text: str, *, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    """A plain page for refusals made before any route ran (fixed wording, nothing from the request)."""
    html = (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        f'<title>{title} – docgen</title><link rel="stylesheet" href="/static/docgen.css"></head>'
        f'<body><main class="main"><h1>{title}</h1><p>{text}</p>'
        '<p><a href="/ui/">Go back to docgen</a></p></main></body></html>'
    )
    extra = [*(headers or []), (b"connection", b"close")] if status == 413 else list(headers or [])
    await _send(send, status, b"text/html; charset=utf-8", html.encode(), extra)


async def _redirect(send: Send, location: str) -> None:
    await _send(send, 303, b"text/plain; charset=utf-8", b"", [(b"location", location.encode())])


async def _send(
    send: Send, status: int, content_type: bytes, body: bytes, headers: list[tuple[bytes, bytes]]
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
