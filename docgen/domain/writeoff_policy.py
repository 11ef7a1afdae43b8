"""A council's write-off policy: who may write off how much, for which reasons, and the VAT entries.

Delegated limits differ from council to council, so they are data: one JSON file per policy in
docgen/domain/policies/ (or any path), each with its source and notes. A new council is a new file.
A document made under a policy carries the policy file's digest in its input hash, so a changed
policy makes a new version rather than returning one made under the old limits.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from docgen.domain.balance import Balance
from docgen.domain.calendar import add_months
from docgen.domain.money import ZERO, money
from docgen.errors import InvalidInput, NotFound, Problem

POLICIES_DIR = Path(__file__).with_name("policies")
DEFAULT_POLICY = "district_example"
LEVEL_ORDER = ("officer", "team_leader", "s151_officer", "cabinet")


@dataclass(frozen=True)
class Level:
    code: str
    title: str
    limit: Decimal | None  # None: no upper limit (cabinet / executive)

    def covers(self, amount: Decimal) -> bool:
        return self.limit is None or amount <= self.limit


@dataclass(frozen=True)
class Reason:
    code: str
    title: str
    evidence: str


@dataclass(frozen=True)
class VatTreatment:
    treatment: str
    source: str
    months_overdue: int
    accounts: dict[str, str]


@dataclass(frozen=True)
class ProvisionRate:
    over_days: int
    percent: Decimal


@dataclass(frozen=True)
class Policy:
    name: str
    council: str
    valid_from: date
    source: str
    notes: str
    levels: tuple[Level, ...]
    reasons: tuple[Reason, ...]
    vat: VatTreatment
    provision: tuple[ProvisionRate, ...]
    provision_source: str
    #: sha256 of the policy file the figures were read from
    digest: str = ""

    def level_for(self, amount: Decimal) -> Level:
        """The lowest level whose limit covers the amount."""
        for level in self.levels:
            if level.covers(amount):
                return level
        raise InvalidInput(f"policy {self.name}: no level covers {amount}")  # load() forbids this

    def level(self, code: str) -> Level:
        for level in self.levels:
            if level.code == code:
                return level
        raise NotFound(f"policy {self.name} has no level {code!r}", code="unknown_level")

    @property
    def delegated_limit(self) -> Decimal:
        """The most any officer may write off; above it the decision is a committee's."""
        return max(level.limit for level in self.levels if level.limit is not None)

    def needs_committee(self, amount: Decimal) -> bool:
        return amount > self.delegated_limit

    def reason(self, code: str) -> Reason:
        for reason in self.reasons:
            if reason.code == code:
                return reason
        known = ", ".join(r.code for r in self.reasons)
        raise InvalidInput(
            f"unknown write-off reason {code!r}",
            [Problem("options.reason", f"unknown reason {code!r}; use one of: {known}", "unknown_reason")],
        )

    def provision_rate(self, days_overdue: int) -> Decimal:
        """The bad-debt provision percentage for a debt this many days overdue."""
        rate = ZERO
        for row in sorted(self.provision, key=lambda r: r.over_days):
            if days_overdue >= row.over_days:
                rate = row.percent
        return rate


def _parse(data: dict[str, Any], origin: str) -> Policy:
    problems: list[Problem] = []
    try:
        levels = tuple(
            Level(lv["code"], lv["title"], None if lv["limit"] is None else money(lv["limit"]))
            for lv in data["levels"]
        )
        reasons = tuple(Reason(r["code"], r["title"], r.get("evidence", "")) for r in data["reasons"])
        vat = data["vat"]
        policy = Policy(
            name=data["name"],
            council=data["council"],
            valid_from=date.fromisoformat(data["valid_from"]),
            source=data["source"],
            notes=data.get("notes", ""),
            levels=levels,
            reasons=reasons,
            vat=VatTreatment(
                vat["treatment"], vat["source"], int(vat["months_overdue"]), dict(vat["accounts"])
            ),
            provision=tuple(
                ProvisionRate(int(r["over_days"]), Decimal(r["percent"])) for r in data["provision"]["rates"]
            ),
            provision_source=data["provision"].get("source", ""),
        )
    except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
        raise InvalidInput(f"write-off policy {origin} is malformed: {type(exc).__name__}: {exc}") from exc
    codes = [lv.code for lv in levels]
    if [c for c in LEVEL_ORDER if c in codes] != codes:
        problems.append(Problem("levels", f"levels must be in the order {', '.join(LEVEL_ORDER)}"))
    if not levels or levels[-1].limit is not None:
        problems.append(Problem("levels", "the last level must have no limit (limit: null)"))
    limits = [lv.limit for lv in levels if lv.limit is not None]
    if limits != sorted(limits):
        problems.append(Problem("levels", "limits must rise from one level to the next"))
    if problems:
        raise InvalidInput(f"write-off policy {origin} is inconsistent", problems)
    return policy


def load_policy(name_or_path: str | Path | None = None) -> Policy:
    """A shipped policy by name (``district_example``) or a policy file by path."""
    name = str(name_or_path or DEFAULT_POLICY)
    path = Path(name) if name.endswith(".json") else POLICIES_DIR / f"{name}.json"
    if not name.endswith(".json") and not name.replace("_", "").replace("-", "").isalnum():
        raise InvalidInput(
            f"bad policy name {name!r}", [Problem("options.policy", "letters, digits, _ and - only")]
        )
    if not path.is_file():
        raise NotFound(
            f"write-off policy {name!r} not found (known: {', '.join(policy_names())})", code="unknown_policy"
        )
    raw = path.read_bytes()
    try:
        data = json.loads(raw.decode("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"write-off policy {path.name}: not JSON ({exc})") from exc
    return replace(_parse(data, path.name), digest=hashlib.sha256(raw).hexdigest())


def policy_names() -> list[str]:
    return sorted(p.stem for p in POLICIES_DIR.glob("*.json"))


# -- approval ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str
    level_needed: str


def can_approve(user_role: str, user_limit: Decimal | None, amount: Decimal, policy: Policy) -> Decision:
    """Whether a user may approve (or reject) a write-off of ``amount``.

    ``user_role`` is the user's level in the policy; ``user_limit`` is their personal delegation,
    which can only narrow the level's limit (None: the level's limit applies)."""
    needed = policy.level_for(amount)
    if user_role not in {lv.code for lv in policy.levels}:
        return Decision(
            False, f"role {user_role!r} holds no write-off delegation in {policy.name}", needed.code
        )
    level = policy.level(user_role)
    limits = [lim for lim in (level.limit, user_limit) if lim is not None]
    effective = min(limits) if limits else None
    if effective is not None and amount > effective:
        personal = user_limit is not None and (level.limit is None or user_limit < level.limit)
        whose = "the user's personal delegation" if personal else f"the {level.title}'s limit"
        return Decision(
            False, f"£{amount:,} is above {whose} of £{effective:,}; it needs the {needed.title}", needed.code
        )
    return Decision(True, f"within the {level.title}'s limit", needed.code)


# -- VAT journal ------------------------------------------------------------------------------


@dataclass(frozen=True)
class JournalLine:
    account: str
    debit: Decimal
    credit: Decimal
    narrative: str


@dataclass(frozen=True)
class VatJournal:
    lines: tuple[JournalLine, ...]
    vat_relief: Decimal  # VAT reclaimable now
    vat_deferred: Decimal  # VAT on debts not yet old enough for relief
    relief_from: date | None  # when the deferred VAT becomes reclaimable


def vat_journal(balance: Balance, policy: Policy, as_of: date, ref: str) -> VatJournal:
    """Journal for writing off the whole outstanding balance. The VAT element of each open line
    (apportioned from its invoice VAT by the share unpaid) goes to bad-debt relief once the line
    is old enough under the VAT treatment; until then it stays in the debtors' control account."""
    accounts = policy.vat.accounts
    relief, deferred = ZERO, ZERO
    relief_from: date | None = None
    for line in balance.open_lines:
        vat = line.vat_outstanding
        if vat == 0:
            continue
        eligible_on = add_months(line.due, policy.vat.months_overdue)
        if eligible_on <= as_of:
            relief += vat
        else:
            deferred += vat
            relief_from = eligible_on if relief_from is None else max(relief_from, eligible_on)
    total = balance.outstanding
    lines = [
        JournalLine(
            accounts["bad_debt_expense"], money(total - relief), ZERO, f"Write-off {ref}, net of VAT relief"
        ),
    ]
    if relief:
        lines.append(
            JournalLine(accounts["vat_relief"], relief, ZERO, f"Bad debt relief on output VAT, {ref}")
        )
    lines.append(JournalLine(accounts["debtors_control"], ZERO, total, f"Write-off {ref}"))
    return VatJournal(tuple(lines), relief, deferred, relief_from)
