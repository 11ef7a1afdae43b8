"""An API fuzzer against the OpenAPI schema the app publishes: for every operation, examples made
from its schema (and bodies that break it), sent with an officer's key. None may get a 500, and
every answer with a documented status must match its documented schema and content type.

Bounded to keep the suite fast: a few examples per operation, no shrinking, a derandomised seed
(the same inputs every run, so a failure repeats)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings

schemathesis = pytest.importorskip(
    "schemathesis", reason="schemathesis is a dev dependency (pip install -e '.[dev]')"
)
from schemathesis.checks import (  # noqa: E402
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

from tests.integration.hardening.conftest import Local, make_local  # noqa: E402

# a PDF body (signature checks) is sent as raw bytes, like any other binary body
schemathesis.serializer.alias("application/pdf", "application/octet-stream")

EXAMPLES_PER_OPERATION = 6
_state: dict[str, Local] = {}


def _app() -> object:
    if "svc" not in _state:
        import tempfile

        _state["svc"] = make_local(Path(tempfile.mkdtemp(prefix="docgen-fuzz-")))
    return _state["svc"].app


schema = schemathesis.openapi.from_asgi("/openapi.json", _app())


@pytest.fixture(scope="module", autouse=True)
def _close() -> Iterator[None]:
    yield
    svc = _state.pop("svc", None)
    if svc is not None:
        svc.client.close()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_answers_500_or_breaks_its_schema(case: schemathesis.Case) -> None:
    svc = _state["svc"]
    # a well-formed key: the fuzzer probes what an officer may send, not the key check
    case.headers = {**(case.headers or {}), **svc.as_("officer")}
    case.call_and_validate(checks=[not_a_server_error, response_schema_conformance, content_type_conformance])
