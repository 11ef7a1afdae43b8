"""Every query the register makes lives in its repositories (one module per aggregate): services,
routes, pages and workers call them, and build no SQL of their own."""

from __future__ import annotations

import ast

from docgen.config import PROJECT_ROOT

#: where SQL may be written: the repositories, the migrations, the engine's set-up, the health probe
ALLOWED = (
    "docgen/register/repositories/",
    "docgen/register/migrations/",
    "docgen/register/db.py",
    "api/routes/health.py",
)
#: what builds or runs a query
QUERY_BUILDERS = {"select", "update", "delete", "insert", "text", "or_", "and_", "func"}
QUERY_CALLS = {"execute", "scalars", "scalar", "query"}


def test_no_query_is_written_outside_the_repositories() -> None:
    found: list[str] = []
    for top in ("docgen", "api"):
        for path in sorted((PROJECT_ROOT / top).rglob("*.py")):
            where = path.relative_to(PROJECT_ROOT).as_posix()
            if where.startswith(ALLOWED):
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy"):
                    names = {a.name for a in node.names} & QUERY_BUILDERS
                    if names:
                        found.append(f"{where}:{node.lineno} imports {', '.join(sorted(names))}")
                elif (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr in QUERY_CALLS
                    and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == "session"
                ):
                    found.append(f"{where}:{node.lineno} session.{node.func.attr}")
    assert not found, "\n".join(found)
