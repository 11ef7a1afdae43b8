"""Where a bulk run's cases come from: a folder of case files, a JSON list, JSON lines, or a
CSV/XLSX export. Each case is passed on as JSON text with a label; a case that does not parse is
reported by the run against its label, and the others go ahead."""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from docgen.domain.case import Case
from docgen.errors import InvalidInput

CaseSource = tuple[str, str]  # (label, docgen.case/1 JSON)


def from_cases(cases: Iterable[Case]) -> list[CaseSource]:
    return [(c.case_ref, c.canonical_json()) for c in cases]


def _label(obj: object, fallback: str) -> str:
    ref = obj.get("case_ref") if isinstance(obj, dict) else None
    return ref if isinstance(ref, str) and ref else fallback


def _peek(text: str) -> object:
    """The parsed JSON when it parses (to label the case by its ref); the run reports it otherwise."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return None


def load_sources(path: Path, debts: Path | None = None, mapping: Path | None = None) -> list[CaseSource]:
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".json")
        if not files:
            raise InvalidInput(f"{path}: no .json case files in this folder", code="no_cases")
        out = []
        for f in files:
            try:
                text = f.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise InvalidInput(f"{f}: cannot read ({exc})", code="unreadable") from None
            out.append((_label(_peek(text), f.name), text))
        return out
    suffix = path.suffix.lower()
    if suffix in (".csv", ".xlsx", ".xlsm"):
        from docgen.imports import read_cases

        return from_cases(read_cases(path, debts, mapping).accepted(valid_only=False))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{path}: cannot read ({exc})", code="unreadable") from None
    if suffix == ".jsonl":
        lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
        return [(_label(_peek(line), f"{path.name}:{n}"), line) for n, line in lines]
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{path}: not valid JSON ({exc})", code="not_json") from None
    items = data if isinstance(data, list) else [data]
    return [(_label(obj, f"{path.name}[{i}]"), json.dumps(obj, default=str)) for i, obj in enumerate(items)]
