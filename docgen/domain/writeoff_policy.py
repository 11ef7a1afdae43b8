"""A council's write-off policy: who may write off how much, for which reasons, and the VAT entries.

Delegated limits differ from council to council, so they are data: one JSON file per policy, each
with its source and notes. The shipped files in docgen/domain/policies/ are examples for example
councils; a council's own policy is a file in a folder the settings name, mapped to the council
(``PolicyBook``). A new council is a new file, never code.
A document made under a policy carries the policy file's digest in its input hash, so a changed
policy makes a new version rather than returning one made under the old limits.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
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


POLICY_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def _read_policy(path: Path) -> Policy:
    raw = path.read_bytes()
    try:
        data = json.loads(raw.decode("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"write-off policy {path.name}: not JSON ({exc})") from exc
    return replace(_parse(data, path.name), digest=hashlib.sha256(raw).hexdigest())


def _check_id(policy_id: str) -> None:
    if not POLICY_ID_RE.match(policy_id):
        raise InvalidInput(
            f"{policy_id[:80]!r} is not a write-off policy",
            [
                Problem(
                    "options.policy",
                    "a write-off policy is named by its id (lower-case letters, digits, _ and -), "
                    "never by a file",
                    "bad_policy_id",
                )
            ],
        )


def load_policy(policy_id: str | None = None) -> Policy:
    """One of the shipped example policies, by id. Councils' own policies are chosen through a
    ``PolicyBook``; a path is never accepted."""
    name = policy_id or DEFAULT_POLICY
    _check_id(name)
    path = POLICIES_DIR / f"{name}.json"
    if not path.is_file():
        raise NotFound(
            f"write-off policy {name!r} not found (known: {', '.join(policy_names())})", code="unknown_policy"
        )
    return _read_policy(path)


def policy_names() -> list[str]:
    return sorted(p.stem for p in POLICIES_DIR.glob("*.json"))


@dataclass(frozen=True)
class PolicyBook:
    """The write-off policies one installation holds, and which council may use which.

    ``folders`` hold policy files named ``<id>.json`` (an id found in two folders is the first
    folder's). ``councils`` maps a council, named exactly as its cases name the creditor, to the ids
    of its policies. A council that is not mapped may use the policies whose file names it as their
    council; a council with neither has no policy, and nothing falls back to an example. A policy is
    always chosen by id from the council's own set, never by path."""

    folders: tuple[Path, ...] = (POLICIES_DIR,)
    councils: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def _files(self) -> dict[str, Path]:
        found: dict[str, Path] = {}
        for folder in self.folders:
            if not folder.is_dir():
                continue
            for path in sorted(folder.glob("*.json")):
                if POLICY_ID_RE.match(path.stem):
                    found.setdefault(path.stem, path)
        return found

    def ids(self) -> list[str]:
        return sorted(self._files())

    def get(self, policy_id: str) -> Policy:
        _check_id(policy_id)
        path = self._files().get(policy_id)
        if path is None:
            raise NotFound(f"no write-off policy {policy_id!r} is installed", code="unknown_policy")
        return _read_policy(path)

    def all(self) -> list[Policy]:
        return [_read_policy(path) for _, path in sorted(self._files().items())]

    def for_council(self, council: str) -> list[Policy]:
        """The council's own policies, each checked to be written for that council."""
        if council in self.councils:
            policies = [self.get(pid) for pid in self.councils[council]]
            strangers = [p for p in policies if p.council != council]
            if strangers:
                raise InvalidInput(
                    f"the write-off policies configured for {council} include another council's",
                    [
                        Problem(
                            "options.policy",
                            f"the policy {p.name!r} is {p.council}'s, not {council}'s: an administrator "
                            "must correct the council's write-off policy settings",
                            "policy_of_another_council",
                        )
                        for p in strangers
                    ],
                )
            return policies
        return [p for p in self.all() if p.council == council]

    def choose(self, council: str, policy_id: str, as_of: date) -> Policy:
        """The policy a paper for ``council`` dated ``as_of`` is made under: ``policy_id`` when given
        (and it must be one of the council's), else the council's policy in force on that date."""
        if policy_id:
            _check_id(policy_id)
        own = self.for_council(council)
        if not own:
            raise InvalidInput(
                f"no write-off policy is configured for {council}",
                [
                    Problem(
                        "creditor.name",
                        f"no write-off policy is configured for {council}. A write-off is made under "
                        "the council's own approved policy: ask an administrator to install it.",
                        "no_policy_for_council",
                        hint="put the policy file in a folder named by DOCGEN_POLICY_DIRS and map the "
                        "council to it in DOCGEN_WRITE_OFF_POLICIES",
                    )
                ],
            )
        if policy_id:
            chosen = next((p for p in own if p.name == policy_id), None)
            if chosen is None:
                names = ", ".join(p.name for p in own)
                raise InvalidInput(
                    f"{council} has no write-off policy {policy_id!r}",
                    [
                        Problem(
                            "options.policy",
                            f"{council} has no write-off policy called {policy_id!r}; its policies "
                            f"are: {names}",
                            "unknown_policy",
                        )
                    ],
                )
            if chosen.valid_from > as_of:
                raise InvalidInput(
                    f"write-off policy {policy_id!r} is not yet in force",
                    [
                        Problem(
                            "options.policy",
                            f"{council}'s policy {policy_id!r} comes into force on "
                            f"{chosen.valid_from:%-d %B %Y}, after the date of this paper",
                            "policy_not_in_force",
                        )
                    ],
                )
            return chosen
        in_force = [p for p in own if p.valid_from <= as_of]
        if not in_force:
            raise InvalidInput(
                f"no write-off policy of {council} is in force on {as_of.isoformat()}",
                [
                    Problem(
                        "creditor.name",
                        f"none of {council}'s write-off policies is in force on {as_of:%-d %B %Y}",
                        "policy_not_in_force",
                    )
                ],
            )
        return max(in_force, key=lambda p: (p.valid_from, p.name))


# -- approval ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str
    level_needed: str


def _gbp(amount: Decimal) -> str:
    return f"£{amount:,.2f}"


def can_approve(user_role: str, user_limit: Decimal | None, amount: Decimal, policy: Policy) -> Decision:
    """Whether a user may approve (or reject) a write-off of ``amount``.

    ``user_role`` is the user's level in the policy; ``user_limit`` is their personal delegation,
    which can only narrow the level's limit (None: the level's limit applies). The reason names the
    authority the write-off needs, the same one the report names (``level_for(amount)``)."""
    needed = policy.level_for(amount)
    authority = (
        f"the delegation to the {needed.title}"
        + (f" (up to {_gbp(needed.limit)})" if needed.limit is not None else "")
        + f" in the {policy.council} write-off policy"
    )
    if user_role not in {lv.code for lv in policy.levels}:
        return Decision(
            False, f"the user holds no write-off delegation in the {policy.council} policy", needed.code
        )
    level = policy.level(user_role)
    limits = [lim for lim in (level.limit, user_limit) if lim is not None]
    effective = min(limits) if limits else None
    if effective is not None and amount > effective:
        if policy.needs_committee(amount):
            return Decision(
                False,
                f"{_gbp(amount)} is above every officer's delegated limit: it is the {needed.title}'s "
                "decision, on a committee report",
                needed.code,
            )
        personal = user_limit is not None and (level.limit is None or user_limit < level.limit)
        whose = "the user's personal limit" if personal else "the limit of the user's delegation"
        return Decision(
            False, f"{_gbp(amount)} needs {authority}; it is above {whose} of {_gbp(effective)}", needed.code
        )
    return Decision(True, f"{_gbp(amount)} is within {authority}", needed.code)


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


def vat_journal(
    balance: Balance, policy: Policy, as_of: date, ref: str, total: Decimal | None = None
) -> VatJournal:
    """Journal for writing off ``total`` (by default the whole outstanding balance; after judgment,
    the judgment balance). The VAT element of each open line (apportioned from its invoice VAT by
    the share unpaid) goes to bad-debt relief once the line is old enough under the VAT treatment;
    until then it stays in the debtors' control account."""
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
    total = balance.outstanding if total is None else total
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
