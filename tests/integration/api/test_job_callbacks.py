"""Job callbacks: a job submitted with a callback URL is POSTed there when it ends, signed with
HMAC-SHA256, and retried with backoff while the receiver fails. The receiver is a real HTTP server
on loopback; the signature is checked here with the standard library, not with docgen's code."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.fixtures.api import Service, demo_case, unique_ref

pytestmark = [pytest.mark.redis]
V1 = "/api/v1"


class Receiver:
    """Answers 503 to the first ``failures`` calls, then 204; keeps every call."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls: list[dict[str, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.calls.append({"headers": dict(self.headers), "body": body, "at": time.monotonic()})
                self.send_response(503 if len(receiver.calls) <= receiver.failures else 204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/docgen/jobs"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver(failures=1)
    try:
        yield found
    finally:
        found.close()


def _expected_secret(service: Service) -> bytes:
    # the documented default: HMAC-SHA256 of a fixed label under the server's secret key
    key = service.settings.secret_key.encode()
    return hmac.new(key, b"docgen job callbacks", hashlib.sha256).hexdigest().encode()


def test_a_finished_job_is_posted_signed_and_retried_until_taken(
    service: Service, receiver: Receiver
) -> None:
    ref = unique_ref("CB")
    officer = service.as_("officer")
    assert (
        service.client.post(
            f"{V1}/cases", json=demo_case("kingston-sundry-individual", ref), headers=officer
        ).status_code
        == 201
    )
    body = {
        "items": [{"case_ref": ref, "doc_type": "letter_before_claim"}],
        "as_of": "2025-06-02",
        "callback_url": receiver.url,
    }
    submitted = service.client.post(f"{V1}/jobs", json=body, headers=officer)
    assert submitted.status_code == 202, submitted.text
    assert submitted.json()["callback"] == {
        "url": receiver.url,
        "status": "waiting",
        "attempts": 0,
        "detail": "",
    }
    job_id = submitted.json()["id"]

    job = service.wait_job(
        job_id, until=lambda j: (j.get("callback") or {}).get("status") in {"delivered", "failed"}
    )
    assert job["status"] == "succeeded"
    assert job["callback"]["status"] == "delivered" and job["callback"]["attempts"] == 2
    assert len(receiver.calls) == 2
    first, second = receiver.calls
    # retried after a pause (the backoff), not at once
    assert second["at"] - first["at"] >= service.settings.callback_backoff_s * 0.9

    for call in receiver.calls:
        header = call["headers"]["X-Docgen-Signature"]
        parts = dict(p.split("=", 1) for p in header.split(","))
        signed = parts["t"].encode() + b"." + call["body"]
        expected = hmac.new(_expected_secret(service), signed, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(parts["v1"], expected)
        assert abs(int(parts["t"]) - time.time()) < 300
        payload = json.loads(call["body"])
        assert payload["event"] == "job.finished"
        assert payload["job"]["id"] == job_id and payload["job"]["status"] == "succeeded"
        assert payload["job"]["result"]["items"][0]["case_ref"] == ref
    # a body altered in transit no longer matches its signature
    tampered = receiver.calls[0]["body"].replace(b"succeeded", b"failed")
    parts = dict(p.split("=", 1) for p in receiver.calls[0]["headers"]["X-Docgen-Signature"].split(","))
    forged = hmac.new(
        _expected_secret(service), parts["t"].encode() + b"." + tampered, hashlib.sha256
    ).hexdigest()
    assert forged != parts["v1"]


@pytest.mark.parametrize(
    "url",
    ["ftp://127.0.0.1/x", "http://user:pw@127.0.0.1/x", "not a url", "http://192.0.2.10/hook"],
)
def test_a_callback_url_that_cannot_be_used_is_refused_with_its_reason(service: Service, url: str) -> None:
    ref = unique_ref("CB")
    officer = service.as_("officer")
    service.client.post(f"{V1}/cases", json=demo_case("kingston-sundry-individual", ref), headers=officer)
    body = {"items": [{"case_ref": ref, "doc_type": "letter_before_claim"}], "callback_url": url}
    answer = service.client.post(f"{V1}/jobs", json=body, headers=officer)
    assert answer.status_code == 422
    assert answer.json()["problems"][0]["path"] == "callback_url"
