"""Job callbacks: when a job ends, docgen POSTs the job to the URL given with it, signed, and
retries with backoff until the receiver answers 2xx or the attempts run out.

The signature lets the receiver check that the body came from docgen and is fresh::

    X-Docgen-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" under the callback secret>

The secret is ``DOCGEN_CALLBACK_SECRET`` (by default one derived from the server's secret key; an
admin shares it with the integrator). In production a callback may go only to the hosts listed in
``DOCGEN_CALLBACK_HOSTS``; in tests only to loopback addresses.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import time
from typing import Any
from urllib.parse import urlsplit

import httpx

from docgen.config import Settings
from docgen.errors import InvalidInput, Problem
from docgen.register.models import Job

SIGNATURE_HEADER = "X-Docgen-Signature"
EVENT_HEADER = "X-Docgen-Event"


class CallbackFailed(Exception):
    """The receiver did not take the callback (no answer, or not 2xx): try again later."""


def secret(settings: Settings) -> bytes:
    if settings.callback_secret:
        return settings.callback_secret.encode()
    return (
        hmac.new(settings.secret_key.encode(), b"docgen job callbacks", hashlib.sha256).hexdigest().encode()
    )


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_url(url: str, settings: Settings) -> str:
    """The callback URL as given, or InvalidInput saying what is wrong with it."""
    problem = None
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host:
        problem = "must be an http or https URL with a host"
    elif parts.username or parts.password:
        problem = "must not carry a user name or password"
    elif settings.environment == "test" and not _is_loopback(host):
        problem = "in tests a callback may go only to a loopback address"
    elif settings.environment == "production" and host not in settings.callback_hosts:
        allowed = ", ".join(settings.callback_hosts) or "none are configured (DOCGEN_CALLBACK_HOSTS)"
        problem = f"host {host!r} is not one callbacks may go to ({allowed})"
    if problem:
        raise InvalidInput("the callback URL cannot be used", [Problem("callback_url", problem)])
    return url


def body(job: Job) -> bytes:
    data: dict[str, Any] = {
        "event": "job.finished",
        "job": {
            "id": job.id,
            "kind": job.kind,
            "status": job.status,
            "progress": job.progress,
            "total": job.total,
            "result": job.result,
            "errors": job.errors,
            "created_by": job.created_by,
            "created_at": job.created_at.isoformat(),
            "updated_at": job.updated_at.isoformat(),
        },
    }
    return json.dumps(data, sort_keys=True, separators=(",", ":"), default=str).encode()


def signature(payload: bytes, key: bytes, timestamp: int) -> str:
    digest = hmac.new(key, f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def deliver(url: str, payload: bytes, settings: Settings, timestamp: int | None = None) -> int:
    """POST the signed payload; the receiver's status, or CallbackFailed."""
    stamp = int(time.time()) if timestamp is None else timestamp
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: signature(payload, secret(settings), stamp),
        EVENT_HEADER: "job.finished",
        "User-Agent": "docgen-callbacks",
    }
    try:
        answer = httpx.post(
            url, content=payload, headers=headers, timeout=settings.callback_timeout_s, follow_redirects=False
        )
    except httpx.HTTPError as exc:
        raise CallbackFailed(f"{type(exc).__name__}: {exc}") from exc
    if not 200 <= answer.status_code < 300:
        raise CallbackFailed(f"the receiver answered {answer.status_code}")
    return answer.status_code


def backoff(settings: Settings, attempt: int) -> float:
    """Seconds before attempt ``attempt + 1``: doubling from the base, at most five minutes."""
    return float(min(settings.callback_backoff_s * 2**attempt, 300.0))
