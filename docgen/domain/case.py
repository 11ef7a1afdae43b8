"""The case record: the ``docgen.case/1`` interchange format as validated pydantic models.

Unknown fields are refused (a typo must not silently drop data), money is Decimal, dates are dates,
and every problem is reported at once with its path, e.g. ``debtors[0].address.postcode``.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import re
from datetime import date
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from docgen.errors import InvalidInput, Problem

SCHEMA_ID = "docgen.case/1"
CASE_REF_RE = re.compile(r"^[A-Za-z0-9/_.-]{1,40}$")
# The Royal Mail pattern: outward code (A9, A99, AA9, AA99, A9A, AA9A) and inward code (9AA).
POSTCODE_RE = re.compile(r"^(GIR ?0AA|[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2})$", re.IGNORECASE)
MAX_CASE_BYTES = 5 * 1024 * 1024

# --- bounds ---------------------------------------------------------------------------------------
# A case is a few debts of one debtor. These bounds are far above any real case and keep every
# calculation and every paper small; anything beyond them is refused as a validation problem
# naming the field, in the command line and the API alike (both read a case through parse_case).

#: every amount (debts, payments, orders, rates) is below one billion pounds
MONEY_LIMIT = Decimal("1000000000")
#: the dates a case may hold: births, debts, orders and events
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2099, 12, 31)
#: the longest text of one field; free-text notes and reasons may be longer
TEXT_LIMIT = 500
LONG_TEXT_LIMIT = 2000
LONG_TEXT_FIELDS = frozenset({"notes", "note", "reason"})
#: the most entries a list may hold, by field name (other lists: LIST_LIMIT)
LIST_LIMIT = 20
LIST_LIMITS = {
    "invoices": 250,
    "payments": 500,
    "adjustments": 200,
    "recovery_history": 200,
    "liability_orders": 100,
    "judgments": 50,
    "other_creditors": 100,
    "debtors": 10,
    "lines": 8,
}
# control characters other than tab and line breaks never belong in case text
# (a NUL cannot even be stored by PostgreSQL), nor do lone surrogates, which no file can encode
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def _bounded(name: str, v: Any) -> Any:
    if isinstance(v, str):
        limit = LONG_TEXT_LIMIT if name in LONG_TEXT_FIELDS else TEXT_LIMIT
        if len(v) > limit:
            raise ValueError(f"longer than {limit:,} characters ({len(v):,})")
        if _CONTROL.search(v):
            raise ValueError("contains control characters or unpaired surrogates")
    elif isinstance(v, list):
        limit = LIST_LIMITS.get(name, LIST_LIMIT)
        if len(v) > limit:
            raise ValueError(f"more than {limit:,} entries ({len(v):,})")
        for item in v:
            if isinstance(item, str):
                _bounded(name, item)
    elif isinstance(v, date) and not EARLIEST_DATE <= v <= LATEST_DATE:
        raise ValueError(f"not a plausible date (use one from {EARLIEST_DATE} to {LATEST_DATE})")
    return v


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    @field_validator("*", mode="after", check_fields=False)
    @classmethod
    def _within_bounds(cls, v: Any, info: ValidationInfo) -> Any:
        return _bounded(info.field_name or "", v)


def short_repr(v: Any, limit: int = 40) -> str:
    """A value as it may be quoted back in a message: never the whole of a huge input."""
    text = repr(v) if not isinstance(v, int) or abs(v) < 10**40 else "a very long number"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _money_value(v: Any) -> Any:
    if isinstance(v, float):
        raise ValueError('money must be a decimal string such as "1234.50", not a binary float')
    if isinstance(v, str | int | Decimal):
        try:
            d = Decimal(v if isinstance(v, Decimal) else str(v))
        except (ArithmeticError, ValueError):
            raise ValueError(f"not an amount of money: {short_repr(v)}") from None
        if not d.is_finite():
            raise ValueError(f"not an amount of money: {short_repr(v)}")
        if abs(d) >= MONEY_LIMIT:
            raise ValueError("must be under £1,000,000,000")
        exp = d.as_tuple().exponent
        if isinstance(exp, int) and exp < -2:
            raise ValueError(f"more than two decimal places: {short_repr(v)}")
        return d
    return v


Money = Annotated[Decimal, Field(json_schema_extra={"format": "money"})]


class DebtType(StrEnum):
    sundry = "sundry"
    adult_social_care = "adult_social_care"
    council_tax = "council_tax"
    business_rates = "business_rates"
    hb_overpayment = "hb_overpayment"
    commercial_rent = "commercial_rent"


class Address(_Model):
    lines: list[str] = Field(min_length=1)
    town: str = ""
    county: str | None = None
    postcode: str

    @field_validator("postcode")
    @classmethod
    def _postcode(cls, v: str) -> str:
        if not POSTCODE_RE.match(v):
            raise ValueError("not a UK postcode")
        return v.upper()

    def as_lines(self) -> list[str]:
        out = [line for line in self.lines if line]
        for part in (self.town, self.county):
            if part and part not in out:
                out.append(part)
        if self.postcode not in out:
            out.append(self.postcode)
        return out

    def one_line(self) -> str:
        return ", ".join(self.as_lines())


class Contact(_Model):
    name: str | None = None
    phone: str | None = None
    email: str | None = None
    dx: str | None = None


class LegalRepresentative(_Model):
    """The firm (or the council's legal service) acting for the council, and who signs for it.

    Everything a claim form gives about the claimant's legal representative comes from here and
    nowhere else: the address for documents, phone, e-mail, DX and reference, and the statement of
    truth's signer (a solicitor or other authorised person at the firm) and position."""

    firm: str
    address: Address
    reference: str | None = None
    #: the solicitor or other authorised person at the firm who signs statements of truth
    name: str | None = None
    #: their position, e.g. "Solicitor", "Partner", "Chartered Legal Executive"
    position: str | None = None
    phone: str | None = None
    email: str | None = None
    dx: str | None = None


class Creditor(_Model):
    name: str = Field(min_length=1)
    address: Address
    contact: Contact = Contact()
    fee_account: str | None = None
    legal_representative: LegalRepresentative | None = None
    #: the County Court hearing centre the council asks for on a claim form (N1)
    preferred_hearing_centre: str | None = None


class Employer(_Model):
    name: str
    address: Address | None = None


class Employment(_Model):
    status: Literal["employed", "self_employed", "unemployed", "retired"]
    employer: Employer | None = None


class Vulnerability(_Model):
    flags: list[str] = []
    notes: str = ""


class BreathingSpace(_Model):
    start: date
    end: date | None = None

    def active_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


class Business(_Model):
    """A business the debtor carries on, or carried on when the debt was incurred (IR 2016 r.10.8)."""

    name: str = Field(min_length=1)
    address: Address | None = None
    nature: str | None = None
    ceased_on: date | None = None


#: What the address a document was served at is to the person served (CPR 6.9 and form N215).
AddressCharacter = Literal[
    "usual_residence",
    "last_known_residence",
    "place_of_business",
    "principal_office",
    "registered_office",
]

#: An individual may be served at a residence, or at a place of business if sued in a business name.
INDIVIDUAL_ADDRESS_CHARACTERS = ("usual_residence", "last_known_residence", "place_of_business")
#: A company at its principal office, a place of business, or its registered office.
COMPANY_ADDRESS_CHARACTERS = ("principal_office", "place_of_business", "registered_office")


class LitigationFriend(_Model):
    """Who conducts proceedings for a debtor who lacks capacity (a protected party, CPR 21)."""

    name: str = Field(min_length=1)
    address: Address
    #: how they come to act: a Court of Protection deputy or attorney with authority, a certificate
    #: of suitability (form N235) filed, or an order of the court appointing them (CPR 21.4-21.6)
    basis: Literal["deputy", "attorney", "certificate_of_suitability", "court_order"] | None = None
    appointed_on: date | None = None


class IndividualDebtor(_Model):
    kind: Literal["individual"]
    title: str | None = None
    given_names: str = Field(min_length=1)
    family_name: str = Field(min_length=1)
    other_names: list[str] = []
    date_of_birth: date | None = None
    address: Address
    #: since when the debtor has lived at ``address`` (where a bankruptcy petition is presented turns
    #: on where the debtor lived for the greater part of the last six months, IR 2016 r.10.11)
    address_since: date | None = None
    service_address: Address | None = None
    email: str | None = None
    #: IR 2016 r.10.8: occupation, and business names and addresses
    occupation: str | None = None
    businesses: list[Business] = []
    #: the debtor's own hearing centre for bankruptcy (IR 2016 r.10.11(4)): the County Court hearing
    #: centre for the insolvency district where the debtor traded, or else lived, longest in the last
    #: six months; "London" for the London Insolvency District
    insolvency_court: str | None = None
    employment: Employment | None = None
    vulnerability: Vulnerability = Vulnerability()
    breathing_space: BreathingSpace | None = None
    deceased_on: date | None = None
    #: recorded as lacking capacity to conduct proceedings (a protected party, CPR 21)
    lacks_capacity: bool = False
    litigation_friend: LitigationFriend | None = None
    #: what the address for service is to the debtor (for a certificate of service)
    service_address_character: AddressCharacter | None = None

    @field_validator("service_address_character")
    @classmethod
    def _individual_address(cls, v: str | None) -> str | None:
        if v is not None and v not in INDIVIDUAL_ADDRESS_CHARACTERS:
            raise ValueError(
                f"an individual is served at {', '.join(INDIVIDUAL_ADDRESS_CHARACTERS)}, not {v}"
            )
        return v

    @property
    def display_name(self) -> str:
        parts = [self.title, self.given_names, self.family_name]
        return " ".join(p for p in parts if p)

    @property
    def protected_party(self) -> bool:
        """Recorded as lacking capacity, by the field or by a vulnerability flag."""
        return self.lacks_capacity or "lacks_capacity" in self.vulnerability.flags

    @property
    def is_company(self) -> bool:
        return False

    @property
    def address_for_service(self) -> Address:
        return self.service_address or self.address


class ShareCapital(_Model):
    """Issued share capital as the register at Companies House shows it: nominal and paid up."""

    nominal: Money
    paid_up: Money

    _money = field_validator("nominal", "paid_up", mode="before")(_money_value)

    @model_validator(mode="after")
    def _paid_within_nominal(self) -> ShareCapital:
        if self.nominal < 0 or self.paid_up < 0:
            raise ValueError("share capital must not be negative")
        if self.paid_up > self.nominal:
            raise ValueError(
                f"paid-up capital {self.paid_up} is more than the nominal capital {self.nominal}"
            )
        return self


class CompanyDebtor(_Model):
    kind: Literal["company"]
    name: str = Field(min_length=1)
    company_number: str | None = None
    registered_office: Address
    trading_address: Address | None = None
    email: str | None = None
    #: the company record a winding-up petition states (IR 2016 r.7.5)
    incorporated_on: date | None = None
    share_capital: ShareCapital | None = None
    principal_business: str | None = None
    #: the County Court hearing centre serving the area of the registered office (IR 2016 r.12.3),
    #: where a winding-up petition may go instead of the High Court (Insolvency Act 1986 s.117);
    #: "London" or "High Court" for the High Court
    insolvency_court: str | None = None

    #: what the address for service (the registered office) is, for a certificate of service
    service_address_character: AddressCharacter | None = None

    @field_validator("service_address_character")
    @classmethod
    def _company_address(cls, v: str | None) -> str | None:
        if v is not None and v not in COMPANY_ADDRESS_CHARACTERS:
            raise ValueError(f"a company is served at {', '.join(COMPANY_ADDRESS_CHARACTERS)}, not {v}")
        return v

    @property
    def display_name(self) -> str:
        return self.name

    @property
    def is_company(self) -> bool:
        return True

    @property
    def address(self) -> Address:
        return self.registered_office

    @property
    def address_for_service(self) -> Address:
        return self.registered_office

    # Companies have none of these; giving them the same names keeps the rules simple.
    breathing_space: None = None
    deceased_on: None = None
    vulnerability: Vulnerability = Vulnerability()
    employment: None = None
    lacks_capacity: Literal[False] = False
    litigation_friend: None = None

    @property
    def protected_party(self) -> bool:
        return False


def _debtor_tag(v: Any) -> str | None:
    if isinstance(v, dict):
        kind = v.get("kind")
        return kind if isinstance(kind, str) else None
    return getattr(v, "kind", None)


Debtor = Annotated[
    Annotated[IndividualDebtor, Tag("individual")] | Annotated[CompanyDebtor, Tag("company")],
    Discriminator(_debtor_tag),
]


class Invoice(_Model):
    number: str = Field(min_length=1)
    issued: date
    due: date
    description: str = ""
    net: Money
    vat: Money = Decimal("0")
    service: str | None = None

    _money = field_validator("net", "vat", mode="before")(_money_value)

    @field_validator("net", "vat")
    @classmethod
    def _not_negative(cls, v: Decimal) -> Decimal:
        if v < 0:
            raise ValueError("must not be negative (record credits as adjustments)")
        return v

    @field_validator("due")
    @classmethod
    def _due_after_issue(cls, v: date, info: ValidationInfo) -> date:
        issued = info.data.get("issued")
        if issued is not None and v < issued:
            raise ValueError(f"due date {v} is before the issue date {issued}")
        return v

    @property
    def gross(self) -> Decimal:
        return self.net + self.vat


class Payment(_Model):
    date: date
    amount: Money
    method: str | None = None
    reference: str | None = None

    _money = field_validator("amount", mode="before")(_money_value)

    @field_validator("amount")
    @classmethod
    def _positive(cls, v: Decimal) -> Decimal:
        if v <= 0:
            raise ValueError("a payment must be more than zero")
        return v


class Adjustment(_Model):
    date: date
    amount: Money
    reason: str = ""

    _money = field_validator("amount", mode="before")(_money_value)


class InterestBasis(StrEnum):
    none = "none"
    statutory_s69 = "statutory_s69"
    late_payment_act = "late_payment_act"
    contractual = "contractual"


class InterestTerms(_Model):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    basis: InterestBasis = InterestBasis.none
    rate: Decimal | None = None
    from_: date | None = Field(default=None, alias="from")

    _rate = field_validator("rate", mode="before")(_money_value)

    @model_validator(mode="after")
    def _rate_needed(self) -> InterestTerms:
        if self.basis in (InterestBasis.statutory_s69, InterestBasis.contractual) and self.rate is None:
            raise ValueError(f"interest basis {self.basis.value} needs a rate")
        if self.rate is not None and not (0 <= self.rate <= 100):
            raise ValueError("interest rate must be a percentage between 0 and 100")
        return self


class LiabilityOrder(_Model):
    court: str
    date: date
    amount: Money
    costs: Money = Decimal("0")
    period: str | None = None

    _money = field_validator("amount", "costs", mode="before")(_money_value)


class Instalments(_Model):
    amount: Money
    frequency: Literal["weekly", "fortnightly", "monthly"]
    first_due: date

    _money = field_validator("amount", mode="before")(_money_value)


class Judgment(_Model):
    court: str
    claim_number: str
    date: date
    amount: Money
    costs: Money = Decimal("0")
    interest: Money = Decimal("0")
    instalments: Instalments | None = None
    paid_since: Money = Decimal("0")

    _money = field_validator("amount", "costs", "interest", "paid_since", mode="before")(_money_value)

    @property
    def total(self) -> Decimal:
        return self.amount + self.costs + self.interest

    @property
    def outstanding(self) -> Decimal:
        return self.total - self.paid_since


class Charge(_Model):
    holder: str
    amount: Money | None = None
    address: Address | None = None

    _money = field_validator("amount", mode="before")(_money_value)


class CoOwner(_Model):
    name: str = Field(min_length=1)
    address: Address | None = None


class Property(_Model):
    address: Address
    title_number: str | None = None
    tenure: str | None = None
    ownership: Literal["sole", "joint"] = "sole"
    #: each a name alone or {name, address}: every co-owner is served with an application to charge
    #: the land (CPR 73.7), so an address is needed before one is made
    co_owners: list[CoOwner] = []
    debtor_interest: str | None = None
    charges: list[Charge] = []
    #: the County Court hearing centre for the area where the property is
    hearing_centre: str | None = None

    @field_validator("co_owners", mode="before", json_schema_input_type=list[str | CoOwner])
    @classmethod
    def _names_alone(cls, v: Any) -> Any:
        if isinstance(v, list):
            return [{"name": o} if isinstance(o, str) else o for o in v]
        return v


class OtherCreditor(_Model):
    name: str
    address: Address | None = None


HistoryAction = Literal[
    "reminder",
    "final_notice",
    "letter_before_claim",
    "reply_form_received",
    "claim_issued",
    "claim_served",
    "acknowledgment_filed",
    "defence_filed",
    "judgment",
    "enforcement_agent",
    "visit",
    "payment_plan",
    "broken_plan",
    "tracing",
    "statutory_demand_served",
    "petition_presented",
    "charging_order",
    "attachment_of_earnings",
    "warrant_of_control",
    "write_off_recommended",
    # the council's part in a debtor's insolvency (the insolvency itself is in ``Case.insolvency``)
    "proof_of_debt_lodged",
    "dividend_declared",
]


class HistoryEntry(_Model):
    date: date
    action: HistoryAction
    note: str = ""
    method: Literal["first_class_post", "personal", "left_at_address", "email"] | None = None
    #: where a document was served, when that is not the debtor's address for service
    address: Address | None = None


#: An insolvency procedure that stops claims and enforcement against the debtor for the debts it covers.
InsolvencyKind = Literal[
    "bankruptcy_order",
    "individual_voluntary_arrangement",
    "debt_relief_order",
    "winding_up_order",
    "administration",
    "company_voluntary_arrangement",
    "creditors_voluntary_liquidation",
]


class InsolvencyProceeding(_Model):
    """A debtor's insolvency, as notified to the council (the Insolvency Service, the London
    Gazette, an insolvency practitioner): what, from when, and until when if it has ended."""

    kind: InsolvencyKind
    date: date
    #: which debtor (0: the first)
    debtor: int = Field(default=0, ge=0)
    court: str | None = None
    reference: str | None = None
    #: discharge, revocation, completion or failure of the arrangement, end of the administration
    ended_on: _dt.date | None = None


ServiceMethod = Literal["personal", "first_class_post", "left_at_address", "email", "dx", "other"]
ServedDocument = Literal[
    "claim_form",
    "particulars_of_claim",
    "judgment",
    "application",
    "statutory_demand",
    "bankruptcy_petition",
    "winding_up_petition",
    "other",
]


class ServiceAttempt(_Model):
    """An attempt to serve a document that did not succeed: what, when, how and by whom."""

    date: date
    document: ServedDocument
    method: ServiceMethod
    by: str = Field(min_length=1)
    address: Address | None = None
    outcome: str = ""


class TraceAttempt(_Model):
    """A search for the debtor: the source searched, by whom, and whether it found them."""

    date: date
    method: str = Field(min_length=1)
    by: str | None = None
    outcome: Literal["traced", "not_traced"]
    note: str = ""


class Officer(_Model):
    name: str = Field(min_length=1)
    position: str = Field(min_length=1)
    email: str | None = None
    phone: str | None = None


class Case(_Model):
    schema_: Literal["docgen.case/1"] = Field(alias="schema")
    case_ref: str
    debt_type: DebtType
    creditor: Creditor
    debtors: list[Debtor] = Field(min_length=1)
    invoices: list[Invoice] = []
    payments: list[Payment] = []
    adjustments: list[Adjustment] = []
    interest: InterestTerms = InterestTerms()
    liability_orders: list[LiabilityOrder] = []
    judgments: list[Judgment] = []
    properties: list[Property] = []
    other_creditors: list[OtherCreditor] = []
    recovery_history: list[HistoryEntry] = []
    service_attempts: list[ServiceAttempt] = []
    trace_attempts: list[TraceAttempt] = []
    insolvency: list[InsolvencyProceeding] = []
    officer: Officer
    notes: str = ""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, str_strip_whitespace=True)

    @field_validator("case_ref")
    @classmethod
    def _safe_ref(cls, v: str) -> str:
        if not CASE_REF_RE.match(v) or ".." in v or v.startswith(("/", ".")) or v.endswith("/"):
            raise ValueError(
                "unsafe case_ref: use 1-40 of A-Z a-z 0-9 / _ . - (no '..', no leading '/' or '.')"
            )
        return v

    @model_validator(mode="after")
    def _insolvent_debtor_known(self) -> Case:
        for n, proc in enumerate(self.insolvency):
            if proc.debtor >= len(self.debtors):
                raise ValueError(
                    f"insolvency[{n}] names debtor {proc.debtor}, and the case has {len(self.debtors)}"
                )
        return self

    @property
    def primary_debtor(self) -> IndividualDebtor | CompanyDebtor:
        return self.debtors[0]

    def history(self, action: str) -> list[HistoryEntry]:
        return sorted((h for h in self.recovery_history if h.action == action), key=lambda h: h.date)

    def last(self, action: str) -> HistoryEntry | None:
        found = self.history(action)
        return found[-1] if found else None

    def canonical_json(self) -> str:
        """One spelling of the case: sorted keys, no spaces, money as strings, and no field that only
        holds its default, so that adding an optional field to the model changes no case's hash."""
        data = self.model_dump(mode="json", by_alias=True, exclude_defaults=True)
        return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    def content_hash(self) -> str:
        return hashlib.sha256(self.canonical_json().encode()).hexdigest()


# --- parsing with readable problems -------------------------------------------------------------

_TAGS = {"individual", "company"}


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    items = list(loc)
    for i, part in enumerate(items):
        if isinstance(part, int):
            out += f"[{part}]"
            continue
        # a discriminated union adds the tag after the index; it is not part of the data's path
        if part in _TAGS and i > 0 and isinstance(items[i - 1], int):
            continue
        if part in ("function-after", "function-before") or part.startswith("function-"):
            continue
        if part == "from_":
            part = "from"
        if part == "schema_":
            part = "schema"
        # an unknown field's name comes from the input: quoted back short and encodable
        part = part.encode("utf-8", "replace").decode("utf-8")
        part = part if len(part) <= 60 else part[:57] + "..."
        out += ("." if out else "") + part
    return out


def _message(err: Any) -> str:
    kind = err["type"]
    msg = str(err["msg"])
    if kind == "extra_forbidden":
        return "unknown field (check the spelling; unknown fields are refused so no data is dropped)"
    if kind == "missing":
        return "required"
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if kind == "union_tag_invalid" or kind == "union_tag_not_found":
        return "kind must be 'individual' or 'company'"
    return msg


def problems_from(exc: ValidationError) -> list[Problem]:
    seen: set[tuple[str, str]] = set()
    problems: list[Problem] = []
    for err in exc.errors():
        p = Problem(path=_path(tuple(err["loc"])), message=_message(err), code=str(err["type"]))
        if (p.path, p.message) not in seen:
            seen.add((p.path, p.message))
            problems.append(p)
    return problems


#: the most characters a number in a case file may have; real amounts have a dozen
MAX_NUMBER_CHARS = 40


class _NumberTooLong(ValueError):
    pass


class _NotANumber(ValueError):
    pass


def _json_constant(text: str) -> Any:
    raise _NotANumber(text)


def _json_number(text: str) -> Decimal | int:
    if len(text) > MAX_NUMBER_CHARS:
        raise _NumberTooLong(text)
    return int(text) if text.lstrip("-").isdigit() else Decimal(text)


def loads_json(text: str | bytes, source: str = "case") -> Any:
    """JSON as a case file or an API body is read, identically everywhere.

    A number without quotes is read exactly (``1865.1`` is the Decimal 1865.1, never a float, and
    ``1e308`` is a Decimal too, refused later as an amount), a number longer than forty characters
    and nesting deeper than the parser's limit are refused as problems, never as a traceback."""
    try:
        return json.loads(
            text, parse_float=_json_number, parse_int=_json_number, parse_constant=_json_constant
        )
    except _NotANumber as exc:
        raise InvalidInput(f"{source}: {exc} is not a JSON number", code="not_json") from None
    except _NumberTooLong:
        raise InvalidInput(
            f"{source}: a number is longer than {MAX_NUMBER_CHARS} characters", code="not_json"
        ) from None
    except RecursionError:
        raise InvalidInput(f"{source}: nested too deeply to be a case", code="not_json") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(
            f"{source}: not valid JSON ({short_repr(str(exc), 120)})", code="not_json"
        ) from None
    except ValueError as exc:  # e.g. an integer beyond the interpreter's digit limit
        raise InvalidInput(
            f"{source}: not valid JSON ({short_repr(str(exc), 120)})", code="not_json"
        ) from None


def parse_case(data: Any, source: str = "case") -> Case:
    if not isinstance(data, dict):
        raise InvalidInput(f"{source}: expected a JSON object at the top level")
    if data.get("schema") not in (None, SCHEMA_ID):
        raise InvalidInput(
            f"{source}: unsupported schema {short_repr(data.get('schema'))} (expected {SCHEMA_ID!r})",
            [Problem("schema", f"expected {SCHEMA_ID!r}")],
        )
    try:
        return Case.model_validate(data)
    except ValidationError as exc:
        problems = problems_from(exc)
        raise InvalidInput(f"{source}: {len(problems)} problem(s) in the case data", problems) from None
    except RecursionError:
        raise InvalidInput(f"{source}: nested too deeply to be a case") from None


def parse_case_json(text: str | bytes, source: str = "case") -> Case:
    if len(text) > MAX_CASE_BYTES:
        raise InvalidInput(f"{source}: larger than {MAX_CASE_BYTES // (1024 * 1024)} MB; not a case file")
    return parse_case(loads_json(text, source), source)


def load_case(path: str | Path) -> Case:
    p = Path(path)
    try:
        if p.stat().st_size > MAX_CASE_BYTES:
            raise InvalidInput(f"{p}: larger than {MAX_CASE_BYTES // (1024 * 1024)} MB; not a case file")
        raw = p.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"{p}: cannot read ({exc.strerror or exc})", code="unreadable") from None
    return parse_case_json(raw, str(p))
