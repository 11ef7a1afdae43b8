"""What happens on a case, recorded as a change to the case record.

Each event is a small typed model (a payment, a claim served, a Breathing Space starting, a
correction of a debtor's details). ``apply(case, event)`` returns the new case: the event's change
made to the case's own data and the whole checked again exactly as a case file is, so an event
can never leave a case that a file could not hold. ``changes(before, after)`` says what changed,
field by field, for the audit trail. Nothing here touches the register: the service keeps the new
content as a snapshot, so a version made earlier still points at the data it was made from.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

from docgen.domain.case import (
    Address,
    Case,
    InsolvencyKind,
    LitigationFriend,
    _money_value,
    parse_case,
    problems_from,
)
from docgen.domain.money import fmt_gbp
from docgen.errors import InvalidInput, Problem

ServedMethod = Literal["first_class_post", "personal", "left_at_address", "email"]

METHOD_WORDS: dict[str, str] = {
    "first_class_post": "first class post",
    "personal": "handing it to the debtor personally",
    "left_at_address": "leaving it at the address",
    "email": "e-mail",
}
LETTER_WORDS: dict[str, str] = {
    "reminder": "reminder",
    "final_notice": "final notice",
    "letter_before_claim": "letter before claim",
}
INSOLVENCY_WORDS: dict[str, str] = {
    "bankruptcy_order": "bankruptcy order",
    "individual_voluntary_arrangement": "individual voluntary arrangement",
    "debt_relief_order": "debt relief order",
    "winding_up_order": "winding-up order",
    "administration": "administration",
    "company_voluntary_arrangement": "company voluntary arrangement",
    "creditors_voluntary_liquidation": "creditors' voluntary liquidation",
}
#: the debtor details a correction may change, by kind of debtor
CORRECTABLE = {
    "individual": (
        "title",
        "given_names",
        "family_name",
        "date_of_birth",
        "address",
        "service_address",
        "email",
        "occupation",
    ),
    "company": ("name", "company_number", "registered_office", "trading_address", "email"),
}


class _Event(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    def change(self, data: dict[str, Any]) -> None:
        """Make the change in the case's JSON data."""
        raise NotImplementedError

    def summary(self, case: Case) -> str:
        raise NotImplementedError


def _on(day: _dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _history(data: dict[str, Any], entry: dict[str, Any]) -> None:
    data.setdefault("recovery_history", []).append({k: v for k, v in entry.items() if v not in (None, "")})


def _debtor(data: dict[str, Any], index: int) -> dict[str, Any]:
    debtors = data.get("debtors", [])
    if not 0 <= index < len(debtors):
        raise InvalidInput(
            f"the case has no debtor {index + 1}",
            [Problem("debtor", f"choose one of the case's {len(debtors)} debtor(s)", code="unknown_debtor")],
        )
    debtor: dict[str, Any] = debtors[index]
    return debtor


def _name(case: Case, index: int) -> str:
    return case.debtors[index].display_name if index < len(case.debtors) else f"debtor {index + 1}"


def _json(value: Any) -> Any:
    return (
        value.model_dump(mode="json", by_alias=True, exclude_none=True)
        if isinstance(value, BaseModel)
        else value
    )


class PaymentReceived(_Event):
    kind: Literal["payment"]
    date: _dt.date
    amount: Decimal = Field(json_schema_extra={"format": "money"})
    method: str | None = Field(default=None, max_length=60)
    reference: str | None = Field(default=None, max_length=120)

    _money = field_validator("amount", mode="before")(_money_value)

    def change(self, data: dict[str, Any]) -> None:
        entry = {"date": self.date.isoformat(), "amount": f"{self.amount:.2f}"}
        entry.update({k: v for k, v in (("method", self.method), ("reference", self.reference)) if v})
        data.setdefault("payments", []).append(entry)

    def summary(self, case: Case) -> str:
        return f"Payment of {fmt_gbp(self.amount)} received on {_on(self.date)}"


class LetterSent(_Event):
    kind: Literal["letter_sent"]
    date: _dt.date
    letter: Literal["reminder", "final_notice", "letter_before_claim"]
    note: str = Field(default="", max_length=2000)

    def change(self, data: dict[str, Any]) -> None:
        _history(data, {"date": self.date.isoformat(), "action": self.letter, "note": self.note})

    def summary(self, case: Case) -> str:
        return f"{LETTER_WORDS[self.letter].capitalize()} sent on {_on(self.date)}"


class ClaimIssued(_Event):
    kind: Literal["claim_issued"]
    date: _dt.date
    claim_number: str = Field(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9]+$")
    court: str = Field(default="Civil National Business Centre", max_length=200)

    def change(self, data: dict[str, Any]) -> None:
        # the claim number ends the note: that is where the request for judgment reads it from
        note = f"Issued by the {self.court}, claim number {self.claim_number}"
        _history(data, {"date": self.date.isoformat(), "action": "claim_issued", "note": note})

    def summary(self, case: Case) -> str:
        return f"Claim {self.claim_number} issued on {_on(self.date)}"


class ClaimServed(_Event):
    kind: Literal["claim_served"]
    date: _dt.date
    method: ServedMethod
    #: where it was served, when not the debtor's address for service
    address: Address | None = None
    note: str = Field(default="", max_length=2000)

    def change(self, data: dict[str, Any]) -> None:
        _history(
            data,
            {
                "date": self.date.isoformat(),
                "action": "claim_served",
                "method": self.method,
                "note": self.note,
                "address": _json(self.address),
            },
        )

    def summary(self, case: Case) -> str:
        where = f" at {self.address.one_line()}" if self.address else ""
        return f"Claim form served on {_on(self.date)} by {METHOD_WORDS[self.method]}{where}"


class ResponseFiled(_Event):
    kind: Literal["acknowledgment", "defence"]
    date: _dt.date
    note: str = Field(default="", max_length=2000)

    def change(self, data: dict[str, Any]) -> None:
        action = "acknowledgment_filed" if self.kind == "acknowledgment" else "defence_filed"
        _history(data, {"date": self.date.isoformat(), "action": action, "note": self.note})

    def summary(self, case: Case) -> str:
        what = "Acknowledgment of service" if self.kind == "acknowledgment" else "Defence"
        return f"{what} filed on {_on(self.date)}"


class JudgmentEntered(_Event):
    kind: Literal["judgment"]
    date: _dt.date
    court: str = Field(min_length=1, max_length=200)
    claim_number: str = Field(min_length=1, max_length=20)
    amount: Decimal
    costs: Decimal = Decimal("0")
    interest: Decimal = Decimal("0")
    instalment_amount: Decimal | None = None
    instalment_frequency: Literal["weekly", "fortnightly", "monthly"] | None = None
    first_instalment: _dt.date | None = None

    _money = field_validator("amount", "costs", "interest", "instalment_amount", mode="before")(_money_value)

    def change(self, data: dict[str, Any]) -> None:
        judgment: dict[str, Any] = {
            "court": self.court,
            "claim_number": self.claim_number,
            "date": self.date.isoformat(),
            "amount": f"{self.amount:.2f}",
            "costs": f"{self.costs:.2f}",
            "interest": f"{self.interest:.2f}",
        }
        if self.instalment_amount is not None or self.first_instalment is not None:
            judgment["instalments"] = {
                "amount": None if self.instalment_amount is None else f"{self.instalment_amount:.2f}",
                "frequency": self.instalment_frequency or "monthly",
                "first_due": None if self.first_instalment is None else self.first_instalment.isoformat(),
            }
        data.setdefault("judgments", []).append(judgment)
        _history(
            data,
            {"date": self.date.isoformat(), "action": "judgment", "note": f"claim {self.claim_number}"},
        )

    def summary(self, case: Case) -> str:
        return f"Judgment for {fmt_gbp(self.amount)} entered on {_on(self.date)} in claim {self.claim_number}"


class DemandServed(_Event):
    kind: Literal["statutory_demand_served"]
    date: _dt.date
    method: ServedMethod
    note: str = Field(default="", max_length=2000)

    def change(self, data: dict[str, Any]) -> None:
        _history(
            data,
            {
                "date": self.date.isoformat(),
                "action": "statutory_demand_served",
                "method": self.method,
                "note": self.note,
            },
        )

    def summary(self, case: Case) -> str:
        return f"Statutory demand served on {_on(self.date)} by {METHOD_WORDS[self.method]}"


class InsolvencyNotified(_Event):
    kind: Literal["insolvency"]
    date: _dt.date
    procedure: InsolvencyKind
    debtor: int = Field(default=0, ge=0)
    court: str | None = Field(default=None, max_length=200)
    reference: str | None = Field(default=None, max_length=120)

    def change(self, data: dict[str, Any]) -> None:
        _debtor(data, self.debtor)
        entry = {"kind": self.procedure, "date": self.date.isoformat(), "debtor": self.debtor}
        entry.update({k: v for k, v in (("court", self.court), ("reference", self.reference)) if v})
        data.setdefault("insolvency", []).append(entry)

    def summary(self, case: Case) -> str:
        what = INSOLVENCY_WORDS[self.procedure]
        return f"{_name(case, self.debtor)}: {what} from {_on(self.date)}"


class TraceAttempted(_Event):
    kind: Literal["trace_attempt"]
    date: _dt.date
    method: str = Field(min_length=1, max_length=200)
    outcome: Literal["traced", "not_traced"]
    by: str | None = Field(default=None, max_length=120)
    note: str = Field(default="", max_length=2000)

    def change(self, data: dict[str, Any]) -> None:
        entry = {"date": self.date.isoformat(), "method": self.method, "outcome": self.outcome}
        entry.update({k: v for k, v in (("by", self.by), ("note", self.note)) if v})
        data.setdefault("trace_attempts", []).append(entry)
        _history(data, {"date": self.date.isoformat(), "action": "tracing", "note": self.method})

    def summary(self, case: Case) -> str:
        found = "traced" if self.outcome == "traced" else "not traced"
        return f"Trace on {_on(self.date)} ({self.method}): {found}"


class BreathingSpaceStarted(_Event):
    kind: Literal["breathing_space_start"]
    date: _dt.date
    debtor: int = Field(default=0, ge=0)

    def change(self, data: dict[str, Any]) -> None:
        debtor = _debtor(data, self.debtor)
        if debtor.get("kind") == "company":
            raise InvalidInput(
                "a Breathing Space is for individuals",
                [Problem("debtor", "a company cannot be in a Breathing Space", code="company")],
            )
        debtor["breathing_space"] = {"start": self.date.isoformat()}

    def summary(self, case: Case) -> str:
        return f"{_name(case, self.debtor)}: Breathing Space from {_on(self.date)}"


class BreathingSpaceEnded(_Event):
    kind: Literal["breathing_space_end"]
    date: _dt.date
    debtor: int = Field(default=0, ge=0)

    def change(self, data: dict[str, Any]) -> None:
        debtor = _debtor(data, self.debtor)
        space = debtor.get("breathing_space")
        if not space:
            raise InvalidInput(
                "no Breathing Space is recorded",
                [Problem("date", "record the start of the Breathing Space first", code="no_breathing_space")],
            )
        if _dt.date.fromisoformat(str(space["start"])) > self.date:
            raise InvalidInput(
                "the end is before the start",
                [Problem("date", f"the Breathing Space started on {space['start']}", code="before_start")],
            )
        debtor["breathing_space"] = {**space, "end": self.date.isoformat()}

    def summary(self, case: Case) -> str:
        return f"{_name(case, self.debtor)}: Breathing Space ended on {_on(self.date)}"


class VulnerabilityRecorded(_Event):
    """The debtor's vulnerability as now known, and their capacity to conduct proceedings: lacking
    it (Mental Capacity Act 2005; a protected party, CPR 21), with the litigation friend who acts."""

    kind: Literal["vulnerability"]
    debtor: int = Field(default=0, ge=0)
    flags: list[Annotated[str, Field(min_length=1, max_length=60)]] = Field(
        default_factory=list, max_length=20
    )
    notes: str = Field(default="", max_length=4000)
    lacks_capacity: bool = False
    litigation_friend: LitigationFriend | None = None

    def change(self, data: dict[str, Any]) -> None:
        debtor = _debtor(data, self.debtor)
        flags = [f for f in dict.fromkeys(self.flags) if f != "lacks_capacity"]
        debtor["vulnerability"] = {"flags": flags, "notes": self.notes}
        if debtor.get("kind") == "company":
            if self.lacks_capacity or self.litigation_friend is not None:
                raise InvalidInput(
                    "capacity is a question for individuals",
                    [Problem("lacks_capacity", "a company has no capacity to record", code="company")],
                )
            return
        debtor["lacks_capacity"] = self.lacks_capacity
        if self.litigation_friend is not None:
            debtor["litigation_friend"] = _json(self.litigation_friend)
        elif not self.lacks_capacity:
            debtor.pop("litigation_friend", None)

    def summary(self, case: Case) -> str:
        flags = [f.replace("_", " ") for f in self.flags if f != "lacks_capacity"]
        parts = [", ".join(flags) or "no vulnerability flags"]
        if self.lacks_capacity:
            parts.append("lacks capacity to conduct proceedings")
        if self.litigation_friend is not None:
            parts.append(f"litigation friend {self.litigation_friend.name}")
        return f"{_name(case, self.debtor)}: {'; '.join(parts)}"


class DeathRecorded(_Event):
    kind: Literal["death"]
    date: _dt.date
    debtor: int = Field(default=0, ge=0)

    def change(self, data: dict[str, Any]) -> None:
        debtor = _debtor(data, self.debtor)
        if debtor.get("kind") == "company":
            raise InvalidInput(
                "a company does not die",
                [Problem("debtor", "record a company's end as insolvency or dissolution", code="company")],
            )
        debtor["deceased_on"] = self.date.isoformat()

    def summary(self, case: Case) -> str:
        return f"{_name(case, self.debtor)} died on {_on(self.date)}"


class PartyCorrected(_Event):
    """A correction of a debtor's details: only the fields given change."""

    kind: Literal["correct_party"]
    debtor: int = Field(default=0, ge=0)
    fields: dict[str, Any] = Field(min_length=1, max_length=10)
    reason: str = Field(default="", max_length=2000)

    def change(self, data: dict[str, Any]) -> None:
        debtor = _debtor(data, self.debtor)
        allowed = CORRECTABLE[str(debtor.get("kind"))]
        wrong = [k for k in self.fields if k not in allowed]
        if wrong:
            raise InvalidInput(
                "those details cannot be corrected here",
                [
                    Problem(
                        f"fields.{k}",
                        f"{k} is not a detail of this debtor that can be corrected",
                        "unknown_field",
                    )
                    for k in wrong
                ],
            )
        for key, value in self.fields.items():
            if value in (None, ""):
                debtor.pop(key, None)
            else:
                debtor[key] = value

    def summary(self, case: Case) -> str:
        names = ", ".join(k.replace("_", " ") for k in self.fields)
        return f"{_name(case, self.debtor)}: {names} corrected"


Event = Annotated[
    PaymentReceived
    | LetterSent
    | ClaimIssued
    | ClaimServed
    | ResponseFiled
    | JudgmentEntered
    | DemandServed
    | InsolvencyNotified
    | TraceAttempted
    | BreathingSpaceStarted
    | BreathingSpaceEnded
    | VulnerabilityRecorded
    | DeathRecorded
    | PartyCorrected,
    Field(discriminator="kind"),
]

EVENT_KINDS: tuple[str, ...] = (
    "payment",
    "letter_sent",
    "claim_issued",
    "claim_served",
    "acknowledgment",
    "defence",
    "judgment",
    "statutory_demand_served",
    "insolvency",
    "trace_attempt",
    "breathing_space_start",
    "breathing_space_end",
    "vulnerability",
    "death",
    "correct_party",
)

_ADAPTER: TypeAdapter[Any] = TypeAdapter(Event)


def parse_event(data: Any) -> _Event:
    """An event from JSON data, with every problem named by its field."""
    if not isinstance(data, dict):
        raise InvalidInput("an event is a JSON object with a kind")
    if data.get("kind") not in EVENT_KINDS:
        known = ", ".join(EVENT_KINDS)
        raise InvalidInput(
            "unknown kind of event",
            [Problem("kind", f"kind must be one of {known}", code="unknown_event")],
        )
    try:
        event: _Event = _ADAPTER.validate_python(data)
    except ValidationError as exc:
        problems = [
            Problem(
                p.path.removeprefix(f"{data['kind']}.").removeprefix(f"{data['kind']}"), p.message, p.code
            )
            for p in problems_from(exc)
        ]
        raise InvalidInput("the event has problems", problems) from None
    return event


def apply(case: Case, event: _Event) -> Case:
    """The case with the event recorded, checked as a case file is."""
    data = case.model_dump(mode="json", by_alias=True, exclude_none=True)
    event.change(data)
    try:
        return parse_case(data, "the case with this change")
    except InvalidInput as err:
        raise InvalidInput(
            "this change would leave the case invalid",
            [Problem(p.path, p.message, p.code) for p in err.problems],
        ) from None


MAX_CHANGES = 50


def changes(before: Case, after: Case) -> list[dict[str, Any]]:
    """What differs between two contents of a case, field by field (at most MAX_CHANGES entries)."""
    out: list[dict[str, Any]] = []
    _diff(
        before.model_dump(mode="json", by_alias=True, exclude_none=True),
        after.model_dump(mode="json", by_alias=True, exclude_none=True),
        "",
        out.append,
    )
    return out[:MAX_CHANGES]


def _diff(a: Any, b: Any, path: str, emit: Callable[[dict[str, Any]], None]) -> None:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            _diff(a.get(key), b.get(key), f"{path}.{key}" if path else key, emit)
    elif isinstance(a, list) and isinstance(b, list):
        for n in range(max(len(a), len(b))):
            _diff(a[n] if n < len(a) else None, b[n] if n < len(b) else None, f"{path}[{n}]", emit)
    elif a != b:
        emit({"path": path, "before": a, "after": b})
