"""docgen record: record what happened on a case (a payment, a service, a Breathing Space ...)."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from docgen.cli.store_cmds import DEFAULT_ACTOR
from docgen.domain.case import load_case
from docgen.domain.events import EVENT_KINDS
from docgen.errors import InvalidInput


def _value(raw: str) -> Any:
    text = raw.strip()
    if text[:1] in "{[":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"not JSON: {raw!r} ({exc.msg})") from None
    return text


def event_data(kind: str, pairs: list[str] | None) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": kind}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise InvalidInput(f"--set {pair!r}: expected field=value")
        data[key.strip()] = _value(value)
    return data


def _record(args: argparse.Namespace) -> int:
    """The case file is held as the service's current content (as generate does), the event is
    recorded on it (a new snapshot and an audit entry), and the file is rewritten with the result."""
    from docgen.config import get_settings
    from docgen.register import unit_of_work
    from docgen.register.models import Role
    from docgen.services import case_events, cases
    from docgen.services.auth import Principal
    from docgen.services.backend import Backend

    path = Path(args.case)
    case = load_case(path)
    who = Principal(args.actor, Role.officer)
    data = event_data(args.kind, args.set)
    backend = Backend.open(get_settings())
    with unit_of_work(backend.sessions) as session:
        cases.hold(session, who, case)
        done = case_events.record(session, who, case.case_ref, data)
    text = json.dumps(
        done.case.model_dump(mode="json", by_alias=True, exclude_none=True), indent=2, ensure_ascii=False
    )
    out = Path(args.output) if args.output else path
    tmp = out.with_name(f".{out.name}.part")
    tmp.write_text(text + "\n", encoding="utf-8")
    os.replace(tmp, out)
    print(done.summary)
    for change in done.changes:
        print(f"  {change['path']}: {json.dumps(change['before'])} -> {json.dumps(change['after'])}")
    print(f"case written to {out}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "record",
        help="record what happened on a case (kept as a new snapshot with an audit entry) and "
        "write the case file back",
    )
    p.add_argument("case", help="path to a case JSON file")
    p.add_argument("kind", choices=EVENT_KINDS, help="what happened")
    p.add_argument(
        "--set",
        action="append",
        metavar="FIELD=VALUE",
        help="a field of the event, e.g. date=2026-01-15 amount=50.00; JSON for an address or a list",
    )
    p.add_argument("-o", "--output", help="write the changed case here instead of over the file")
    p.add_argument("--actor", default=DEFAULT_ACTOR, help="who records it, for the audit trail")
    p.set_defaults(func=_record)
