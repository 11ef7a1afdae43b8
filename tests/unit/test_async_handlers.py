"""The event loop is never held by database, store or render work: an ``async def`` route, page or
dependency hands every such call to a worker thread (or awaits a service that does). A call made
directly in an ``async def`` body, not awaited and not inside a function handed to a thread, must
not touch the session, the store, the queue or an engine."""

from __future__ import annotations

import ast
from pathlib import Path

from docgen.config import PROJECT_ROOT

#: names that may not appear in a direct call in an ``async def`` body of the doors (as a part of
#: the called name: ``session.commit``, ``imports.enqueue``, ``store.get``)
BLOCKING = {
    "session",
    "store",
    "commit",
    "rollback",
    "flush",
    "execute",
    "unit_of_work",
    "read_transaction",
    "enqueue",
    "submit",
    "send",
    "render",
    "generate",
    "record_decision",
    "issue",
    "sign",
    "audit_refusal",
    "put",
    "get_bytes",
}


def _direct_calls(fn: ast.AsyncFunctionDef) -> list[ast.Call]:
    """Calls in ``fn``'s own body: not awaited, not inside a nested function or lambda."""
    skip: set[int] = set()
    for node in ast.walk(fn):
        if isinstance(node, ast.Await):
            skip.update(id(n) for n in ast.walk(node.value))
        elif node is not fn and isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            skip.update(id(n) for n in ast.walk(node))
    return [n for n in ast.walk(fn) if isinstance(n, ast.Call) and id(n) not in skip]


def test_no_async_handler_does_blocking_work_on_the_event_loop() -> None:
    found: list[str] = []
    for path in sorted((PROJECT_ROOT / "api").rglob("*.py")):
        source = path.read_text()
        for fn in ast.walk(ast.parse(source)):
            if not isinstance(fn, ast.AsyncFunctionDef):
                continue
            for call in _direct_calls(fn):
                name = ast.get_source_segment(source, call.func) or ""
                if BLOCKING & set(name.split(".")):
                    where = Path(path).relative_to(PROJECT_ROOT)
                    found.append(f"{where}:{call.lineno} {fn.name}: {name}")
    assert not found, "\n".join(found)
