"""The column mapping: a council's own export headings onto docgen's import columns.

docgen's import columns are dotted names for the ``docgen.case/1`` fields (``debtor.family_name``,
``creditor.address.line1``, ``history.letter_before_claim``). A mapping file (YAML or JSON) renames
the council's headings onto them, gives defaults for values every case shares (the creditor, the
officer) and translates the council's codes (``SUN`` -> ``sundry``)::

    cases:   {"Account No": case_ref, "Surname": debtor.family_name}
    debts:   {"Account No": case_ref, "Inv No": number, "Net": net}
    defaults: {creditor.name: London Borough of Lewisham}
    values:  {debt_type: {SUN: sundry}}
    sheets:  {cases: Accounts, debts: Invoices}
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from docgen.domain.case import HistoryAction
from docgen.errors import InvalidInput, Problem

_ADDRESS = ("line1", "line2", "line3", "line4", "town", "county", "postcode")
_PARTY = (
    "kind",
    "title",
    "given_names",
    "family_name",
    "name",
    "company_number",
    "date_of_birth",
    "email",
    *(f"address.{a}" for a in _ADDRESS),
)
HISTORY_ACTIONS: tuple[str, ...] = HistoryAction.__args__  # type: ignore[attr-defined]

CASE_COLUMNS: tuple[str, ...] = (
    "case_ref",
    "debt_type",
    "notes",
    "creditor.name",
    *(f"creditor.address.{a}" for a in _ADDRESS),
    "creditor.contact.name",
    "creditor.contact.phone",
    "creditor.contact.email",
    "creditor.contact.dx",
    "creditor.fee_account",
    *(f"debtor.{p}" for p in _PARTY),
    *(f"debtor2.{p}" for p in _PARTY),
    "interest.basis",
    "interest.rate",
    "interest.from",
    "officer.name",
    "officer.position",
    "officer.email",
    "officer.phone",
    *(f"history.{a}" for a in HISTORY_ACTIONS),
)
DEBT_COLUMNS: tuple[str, ...] = (
    "case_ref",
    "line_type",
    "number",
    "issued",
    "due",
    "description",
    "net",
    "vat",
    "service",
    "date",
    "amount",
    "method",
    "reference",
    "reason",
)
DATE_COLUMNS = frozenset(
    {"debtor.date_of_birth", "debtor2.date_of_birth", "interest.from", "issued", "due", "date"}
    | {f"history.{a}" for a in HISTORY_ACTIONS}
)
MONEY_COLUMNS = frozenset({"net", "vat", "amount"})


@dataclass(frozen=True)
class ColumnMap:
    cases: Mapping[str, str] = field(default_factory=dict)
    debts: Mapping[str, str] = field(default_factory=dict)
    defaults: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    cases_sheet: str | None = None
    debts_sheet: str | None = None

    def target(self, heading: str, kind: str) -> str | None:
        """The import column a heading feeds, or None when it is unknown."""
        renames = self.cases if kind == "cases" else self.debts
        known = CASE_COLUMNS if kind == "cases" else DEBT_COLUMNS
        clean = heading.strip()
        for source, target in renames.items():
            if source.strip().casefold() == clean.casefold():
                return target
        lowered = clean.casefold()
        return next((c for c in known if c.casefold() == lowered), None)

    def translate(self, column: str, value: str) -> str:
        codes = self.values.get(column)
        if not codes:
            return value
        for code, meaning in codes.items():
            if code.casefold() == value.casefold():
                return meaning
        return value


def load_mapping(path: str | Path | None) -> ColumnMap:
    if path is None:
        return ColumnMap()
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InvalidInput(
            f"{p}: cannot read the mapping file ({exc.strerror or exc})", code="unreadable"
        ) from None
    try:
        data = json.loads(text) if p.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise InvalidInput(f"{p}: not valid {p.suffix.lstrip('.').upper() or 'YAML'} ({exc})") from None
    return parse_mapping(data, str(p))


def parse_mapping(data: Any, source: str = "mapping") -> ColumnMap:
    if not isinstance(data, dict):
        raise InvalidInput(f"{source}: expected a mapping with cases, debts, defaults, values, sheets")
    problems: list[Problem] = []
    unknown = sorted(set(data) - {"cases", "debts", "defaults", "values", "sheets"})
    problems += [
        Problem(k, "unknown section (expected cases, debts, defaults, values, sheets)") for k in unknown
    ]

    def renames(section: str, known: tuple[str, ...]) -> dict[str, str]:
        raw = data.get(section) or {}
        if not isinstance(raw, dict):
            problems.append(Problem(section, "expected heading: column pairs"))
            return {}
        out = {}
        for heading, target in raw.items():
            if str(target) not in known:
                problems.append(
                    Problem(f"{section}.{heading}", f"{target!r} is not a docgen {section} column")
                )
            out[str(heading)] = str(target)
        return out

    cases = renames("cases", CASE_COLUMNS)
    debts = renames("debts", DEBT_COLUMNS)
    defaults_raw = data.get("defaults") or {}
    defaults = {str(k): _text(v) for k, v in defaults_raw.items()} if isinstance(defaults_raw, dict) else {}
    problems += [
        Problem(f"defaults.{k}", "not a docgen cases column") for k in defaults if k not in CASE_COLUMNS
    ]
    values_raw = data.get("values") or {}
    values: dict[str, dict[str, str]] = {}
    if isinstance(values_raw, dict):
        for column, codes in values_raw.items():
            if not isinstance(codes, dict):
                problems.append(Problem(f"values.{column}", "expected code: value pairs"))
                continue
            values[str(column)] = {str(k): _text(v) for k, v in codes.items()}
    sheets = data.get("sheets") or {}
    if problems:
        raise InvalidInput(f"{source}: {len(problems)} problem(s) in the column mapping", problems)
    return ColumnMap(
        cases=cases,
        debts=debts,
        defaults=defaults,
        values=values,
        cases_sheet=sheets.get("cases"),
        debts_sheet=sheets.get("debts"),
    )


def _text(value: Any) -> str:
    if isinstance(value, float):
        raise InvalidInput(f"mapping value {value!r}: write amounts and rates in quotes so they stay exact")
    return "" if value is None else str(value)
