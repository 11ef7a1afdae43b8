"""Form fields for the pages, drawn in the GOV.UK Design System's patterns: radios for a choice,
day/month/year inputs for a date, an amount with a pound sign, an address in parts; and read back
from what the browser sent, with a plain-English message for each field that is wrong.

This is presentation only: what a value must be is decided by the service the form goes to (an
event's model, a document type's options), whose problems come back onto the fields by name."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from docgen.documents.base import OptionSpec
from docgen.errors import Problem

Kind = Literal[
    "text", "textarea", "date", "money", "choice", "yes_no", "number", "address", "checkboxes", "select"
]

#: option names whose answer is a sentence or more: drawn as a text area
_LONG = re.compile(
    r"(reason|reasons|details|evidence|statement|order_sought|comi|agreement|recommendation|note|notes|agenda|execution)$"
)


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: Kind = "text"
    hint: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    optional: bool = False
    default: str = ""
    #: the label as a page heading (a form with one question)
    autocomplete: str = "off"
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.name.replace(".", "-").replace("_", "-")

    @property
    def first_id(self) -> str:
        """The id the error summary links to: the first input of the field."""
        if self.kind == "date":
            return f"{self.id}-day"
        if self.kind in ("choice", "yes_no", "checkboxes") and self.choices_or_yes_no:
            return f"{self.id}-1"
        if self.kind == "address":
            return f"{self.id}-line1"
        return self.id

    @property
    def choices_or_yes_no(self) -> tuple[tuple[str, str], ...]:
        return (("yes", "Yes"), ("no", "No")) if self.kind == "yes_no" else self.choices


def from_option(spec: OptionSpec) -> Field:
    """The input a document type's option is drawn as."""
    kind: Kind = {
        "choice": "choice",
        "date": "date",
        "money": "money",
        "yes_no": "yes_no",
        "number": "number",
    }.get(spec.kind, "text")  # type: ignore[assignment]
    if kind == "text" and _LONG.search(spec.name):
        kind = "textarea"
    hint = spec.help
    if spec.engines:
        hint = (hint + " " if hint else "") + f"Only for the {' or '.join(spec.engines)} version."
    return Field(
        f"opt.{spec.name}", spec.label, kind, hint, spec.choices, optional=True, default=spec.default
    )


# -- reading a form back -----------------------------------------------------------------------------


def raw_values(fields: Iterable[Field], form: Mapping[str, Any]) -> dict[str, Any]:
    """What the user typed, kept as typed so a form with problems comes back as they left it."""
    out: dict[str, Any] = {}
    for f in fields:
        if f.kind == "date":
            out[f.name] = {
                part: str(form.get(f"{f.name}-{part}", "")).strip() for part in ("day", "month", "year")
            }
        elif f.kind == "address":
            out[f.name] = {
                part: str(form.get(f"{f.name}-{part}", "")).strip()
                for part in ("line1", "line2", "town", "postcode")
            }
        elif f.kind == "checkboxes":
            getter = getattr(form, "getlist", None)
            out[f.name] = [str(v) for v in getter(f.name)] if getter else list(form.get(f.name) or [])
        else:
            out[f.name] = str(form.get(f.name, "")).strip()
    return out


def empty(value: Any) -> bool:
    if isinstance(value, dict):
        return not any(value.values())
    return value in ("", None, [])


def parse_date(f: Field, parts: Mapping[str, str]) -> tuple[str | None, str | None]:
    """(ISO date, problem) from day, month and year boxes."""
    if not any(parts.values()):
        return None, None if f.optional else f"Enter the {f.label.lower()}"
    missing = [p for p in ("day", "month", "year") if not parts.get(p)]
    if missing:
        return None, f"{f.label} must include a {missing[0]}"
    try:
        day = date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    except ValueError:
        return None, f"{f.label} must be a real date"
    if day.year < 1900:
        return None, f"{f.label} must be a real date"
    return day.isoformat(), None


def to_data(fields: Iterable[Field], raw: Mapping[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """The values as the service takes them (dates ISO, amounts as typed without £ or commas), and
    the fields that could not be read."""
    data: dict[str, Any] = {}
    problems: list[Problem] = []
    for f in fields:
        value = raw.get(f.name)
        if f.kind == "date":
            iso, problem = parse_date(f, value or {})
            if problem:
                problems.append(Problem(f.name, problem))
            elif iso:
                data[f.name] = iso
            continue
        if f.kind == "address":
            parts = value or {}
            if empty(parts):
                continue
            lines = [x for x in (parts.get("line1", ""), parts.get("line2", "")) if x]
            if not lines:
                problems.append(Problem(f.name, f"Enter the first line of the {f.label.lower()}"))
                continue
            if not parts.get("postcode"):
                problems.append(Problem(f.name, f"Enter the postcode of the {f.label.lower()}"))
                continue
            data[f.name] = {"lines": lines, "town": parts.get("town", ""), "postcode": parts["postcode"]}
            continue
        if empty(value):
            if not f.optional:
                what = "Choose" if f.kind in ("choice", "yes_no", "select") else "Enter"
                problems.append(Problem(f.name, f"{what} {_lower(f.label)}"))
            continue
        if f.kind == "money":
            data[f.name] = str(value).replace(",", "").replace("£", "").strip()
        elif f.kind == "yes_no":
            data[f.name] = str(value) == "yes"
        else:
            data[f.name] = value
    return data, problems


def _lower(label: str) -> str:
    return label[:1].lower() + label[1:]


def errors_for(fields: Iterable[Field], problems: Iterable[Problem], prefix: str = "") -> dict[str, str]:
    """Problems keyed by the field they belong to (the first problem of each); a problem about a
    part of a field (``address.postcode``) goes to the field. What matches no field is keyed "" ."""
    names = {f.name for f in fields}
    out: dict[str, str] = {}
    for p in problems:
        path = prefix + p.path if prefix and not p.path.startswith(prefix) else p.path
        out.setdefault(_field_of(path, names), _sentence(p.message))
    return out


def _field_of(path: str, names: set[str]) -> str:
    """The field a problem's path belongs to: the path itself or a parent of it, also read without
    the case's own list and index in front (``debtors[0].address.postcode`` -> ``address``)."""
    tails = [path]
    while "]." in tails[-1]:
        tails.append(tails[-1].split("].", 1)[1])
    for tail in tails:
        key = tail
        while key:
            if key in names:
                return key
            key = key.rpartition(".")[0] if "." in key else ""
    return ""


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]
