"""Hostile case documents: each a name, the bytes a client or a file would carry, and whether it
is a valid case. Built from the Kingston demo case, so that only the hostile part differs.

Both doors (the CLI's ``validate`` and the API's ``POST /cases``) must accept exactly the valid
ones and refuse the rest with a problem, never a traceback or a 500."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from docgen.demo import DEMO_DIR

BASE_NAME = "kingston-sundry-individual"


@dataclass(frozen=True)
class Hostile:
    name: str
    body: bytes
    valid: bool


_REF = "KGN/SUN/2024/0101"


def base() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DEMO_DIR / f"{BASE_NAME}.json").read_text())
    assert data["case_ref"] == _REF
    return data


def with_ref(item: Hostile, ref: str) -> Hostile:
    """The same document under another case reference (so that each valid one can be created)."""
    if item.name == "utf16-le":
        text = item.body.decode("utf-16-le").replace(_REF, ref, 1)
        return Hostile(item.name, text.encode("utf-16-le"), item.valid)
    return Hostile(item.name, item.body.replace(_REF.encode(), ref.encode(), 1), item.valid)


def _with(change: Callable[[dict[str, Any]], None]) -> bytes:
    data = copy.deepcopy(base())
    change(data)
    return json.dumps(data, ensure_ascii=False).encode()


def _raw_net(raw: str) -> bytes:
    """The first invoice's net amount written as a bare JSON token (not a string)."""
    data = base()
    net = data["invoices"][0]["net"]
    return json.dumps(data).replace(f'"{net}"', raw, 1).encode()


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        node: Any = data
        parts = path.split(".")
        for part in parts[:-1]:
            node = node[int(part)] if part.isdigit() else node[part]
        last = parts[-1]
        if last.isdigit():
            node[int(last)] = value
        else:
            node[last] = value

    return change


def corpus() -> Iterator[Hostile]:
    ok = json.dumps(base()).encode()
    yield Hostile("valid", ok, True)
    yield Hostile("utf8-bom", b"\xef\xbb\xbf" + ok, True)
    yield Hostile("utf16-le", ok.decode().encode("utf-16-le"), True)
    # numbers
    yield Hostile("net-1865.1-bare", _raw_net("1865.1"), True)
    yield Hostile("net-1e308-bare", _raw_net("1e308"), False)
    yield Hostile("net-1e26-string", _with(_set("invoices.0.net", "1e26")), False)
    yield Hostile("net-billion", _with(_set("invoices.0.net", "1000000000.00")), False)
    yield Hostile("net-just-under-billion", _with(_set("invoices.0.net", "999999999.99")), True)
    yield Hostile("net-5000-digits-bare", _raw_net("1" * 5000), False)
    yield Hostile("net-5000-digits-string", _with(_set("invoices.0.net", "9" * 5000)), False)
    yield Hostile("net-nan", _raw_net("NaN"), False)
    yield Hostile("net-infinity", _raw_net("Infinity"), False)
    yield Hostile("net-negative-zero-exp", _with(_set("invoices.0.net", "-0E-1000000")), False)
    yield Hostile("net-three-places", _with(_set("invoices.0.net", "1.005")), False)
    yield Hostile("net-true", _with(_set("invoices.0.net", True)), False)
    # dates
    yield Hostile("date-9999", _with(_set("invoices.0.due", "9999-12-31")), False)
    yield Hostile("date-0001", _with(_set("invoices.0.issued", "0001-01-01")), False)
    yield Hostile("date-feb-30", _with(_set("invoices.0.issued", "2024-02-30")), False)
    yield Hostile("date-1900", _with(_set("debtors.0.date_of_birth", "1900-01-01")), True)
    yield Hostile("date-2099", _with(_set("invoices.0.due", "2099-12-31")), True)
    # sizes
    yield Hostile("invoices-251", _with(lambda d: d.update(invoices=d["invoices"] * 251)), False)
    yield Hostile("debtors-11", _with(lambda d: d.update(debtors=d["debtors"] * 11)), False)
    yield Hostile("creditor-name-300", _with(_set("creditor.name", "Royal Borough of " + "K" * 283)), True)
    yield Hostile("creditor-name-5000", _with(_set("creditor.name", "K" * 5000)), False)
    yield Hostile("notes-2001", _with(_set("notes", "n" * 2001)), False)
    yield Hostile("address-lines-9", _with(_set("debtors.0.address.lines", ["x"] * 9)), False)
    # text
    yield Hostile("notes-nul", _with(_set("notes", "a\x00b")), False)
    yield Hostile("notes-lone-surrogate", ok.replace(b'"notes": "', b'"notes": "\\udc80', 1), False)
    yield Hostile("ref-traversal", _with(_set("case_ref", "../../etc/passwd")), False)
    yield Hostile("ref-too-long", _with(_set("case_ref", "K" * 41)), False)
    yield Hostile("unknown-field-long-name", _with(_set("x" * 10_000, 1)), False)
    # structure
    yield Hostile(
        "nesting-100k-in-field", ok[:-1] + b', "deep": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", False
    )
    yield Hostile("nesting-100k-top", b"[" * 100_000, False)
    yield Hostile("nesting-1k-object", b'{"a":' * 1000 + b"1" + b"}" * 1000, False)
    yield Hostile("top-level-array", b"[]", False)
    yield Hostile("top-level-string", b'"case"', False)
    yield Hostile("empty", b"", False)
    yield Hostile("not-json", b"schema: docgen.case/1\n", False)
    yield Hostile("truncated", ok[: len(ok) // 2], False)
    yield Hostile("invalid-utf8", ok.replace(b"Kingston", b"King\xffston", 1), False)
    yield Hostile("wrong-schema", _with(_set("schema", "docgen.case/999")), False)
    yield Hostile("debtor-kind-missing", _with(lambda d: d["debtors"][0].pop("kind")), False)
