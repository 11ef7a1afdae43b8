"""What every document type declares: id, title, typed options, eligibility and context.

Every hook receives one frozen ``DocumentRequest``: the case, the date the paper speaks at, the
checked options and the engine. Its case facts (balance, interest, limitation, fees) are worked out
once, on first use, and shared by every hook of that request, so a paper's eligibility and its
printed figures always come from the same computation.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from docgen.documents.inputs import StoredInput, StoredWanted
from docgen.errors import InvalidInput, Problem

if TYPE_CHECKING:
    from docgen.config import Settings
    from docgen.domain.case import Case
    from docgen.domain.facts import CaseFacts

Options = Mapping[str, str]

OptionKind = Literal["text", "choice", "date", "money", "yes_no", "number"]

TRUE = frozenset({"true", "yes", "y", "1"})
FALSE = frozenset({"false", "no", "n", "0", ""})


@dataclass(frozen=True)
class OptionSpec:
    """One option a document type understands, typed so that a page can draw the right input
    (radios, a date, an amount) and the API can publish it. Values travel and are stored as text;
    ``check`` says in plain English what is wrong with one."""

    name: str
    label: str
    kind: OptionKind = "text"
    help: str = ""
    #: (value, label) pairs for a choice
    choices: tuple[tuple[str, str], ...] = ()
    default: str = ""
    #: only meaningful for these engines (empty: every engine)
    engines: tuple[str, ...] = ()
    max_length: int = 2000

    def check(self, raw: str) -> str | None:
        """None when ``raw`` is acceptable, else what is wrong with it."""
        if len(raw) > self.max_length:
            return f"is longer than {self.max_length} characters"
        value = raw.strip()
        if self.kind == "choice":
            allowed = [v for v, _ in self.choices]
            return None if value in allowed else f"must be one of {', '.join(allowed)}"
        return _CHECKS[self.kind](value)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "kind": self.kind,
            "help": self.help,
            "choices": [{"value": v, "label": lbl} for v, lbl in self.choices],
            "default": self.default,
            "engines": list(self.engines),
        }


def _check_date(value: str) -> str | None:
    try:
        date.fromisoformat(value)
    except ValueError:
        return "must be a date (YYYY-MM-DD)"
    return None


def _check_money(value: str) -> str | None:
    try:
        amount = Decimal(value.replace(",", "").removeprefix("£"))
    except InvalidOperation:
        amount = Decimal("NaN")
    exponent = amount.as_tuple().exponent
    if not amount.is_finite() or amount < 0 or not isinstance(exponent, int) or exponent < -2:
        return "must be an amount of money such as 125.00"
    return None


_CHECKS: dict[str, Callable[[str], str | None]] = {
    "text": lambda value: None,
    "date": _check_date,
    "money": _check_money,
    "yes_no": lambda value: None if value.lower() in TRUE | FALSE else "must be yes or no",
    "number": lambda value: None if value.isdigit() else "must be a whole number",
}


@dataclass(frozen=True, eq=False)
class DocumentRequest:
    """One paper asked of one case: what every hook of a document type is handed."""

    case: Case
    as_of: date
    options: Options = field(default_factory=lambda: MappingProxyType({}))
    #: the engine chosen for the render ("" when only eligibility is asked)
    engine: str = ""
    #: stored versions the paper is made from (see ``DocumentType.stored_inputs``), by name, with
    #: their exact bytes: filled in by the generation corridor from the register
    stored: Mapping[str, StoredInput] = field(default_factory=lambda: MappingProxyType({}))
    #: the installation's settings the paper is made under (courts by postcode, councils' write-off
    #: policies); None: the process's own (``config``)
    settings: Settings | None = field(default=None, compare=False, repr=False)

    @classmethod
    def make(
        cls,
        case: Case,
        as_of: date,
        options: Options | None = None,
        engine: str | None = None,
        settings: Settings | None = None,
    ) -> DocumentRequest:
        opts = {str(k): str(v) for k, v in (options or {}).items()}
        return cls(case, as_of, MappingProxyType(dict(sorted(opts.items()))), engine or "", settings=settings)

    @property
    def config(self) -> Settings:
        """The settings this request is made under."""
        if self.settings is not None:
            return self.settings
        from docgen.config import get_settings

        return get_settings()

    @cached_property
    def facts(self) -> CaseFacts:
        """The case's figures at ``as_of``, computed once for this request."""
        from docgen.domain.facts import case_facts

        return case_facts(self.case, self.as_of)

    def option(self, name: str, default: str = "") -> str:
        return self.options.get(name, default)

    def flag(self, name: str) -> bool:
        return self.options.get(name, "").strip().lower() in TRUE

    def with_options(self, options: Options) -> DocumentRequest:
        """The same case and date with other options; the facts already computed are kept."""
        other = DocumentRequest.make(self.case, self.as_of, options, self.engine, self.settings)
        if "facts" in self.__dict__:
            other.__dict__["facts"] = self.__dict__["facts"]
        return other

    def at(self, as_of: date, options: Options | None = None) -> DocumentRequest:
        """The same case at another date (facts computed afresh for it)."""
        return DocumentRequest.make(
            self.case, as_of, self.options if options is None else options, self.engine, self.settings
        )

    def for_engine(self, engine: str) -> DocumentRequest:
        other = dataclasses.replace(self, engine=engine)
        if "facts" in self.__dict__:
            other.__dict__["facts"] = self.__dict__["facts"]
        return other

    def with_stored(self, stored: Mapping[str, StoredInput]) -> DocumentRequest:
        """The same request made from these stored versions; the facts already computed are kept."""
        other = dataclasses.replace(self, stored=MappingProxyType(dict(stored)))
        if "facts" in self.__dict__:
            other.__dict__["facts"] = self.__dict__["facts"]
        return other

    def with_settings(self, settings: Settings) -> DocumentRequest:
        """The same request made under ``settings``; the facts already computed are kept."""
        other = dataclasses.replace(self, settings=settings)
        if "facts" in self.__dict__:
            other.__dict__["facts"] = self.__dict__["facts"]
        return other


def options_index(specs: Iterable[OptionSpec]) -> dict[str, OptionSpec]:
    out: dict[str, OptionSpec] = {}
    for spec in specs:
        if spec.name in out:
            raise ValueError(f"option {spec.name!r} declared twice")
        out[spec.name] = spec
    return out


class DocumentType:
    """Base class for a document type. Subclasses set the class attributes and override
    ``eligibility`` and ``context``; ``register`` in docgen.documents.registry makes them known."""

    id: ClassVar[str]
    title: ClassVar[str]
    family: ClassVar[str]
    #: engine -> template name; the first is the default engine
    templates: ClassVar[dict[str, str]]
    #: facts a case must hold, e.g. ("judgments",), checked before eligibility
    inputs: ClassVar[tuple[str, ...]] = ()
    #: the options this type understands
    options: ClassVar[tuple[OptionSpec, ...]] = ()

    @property
    def default_engine(self) -> str:
        return next(iter(self.templates))

    @cached_property
    def option_specs(self) -> dict[str, OptionSpec]:
        return options_index(self.options)

    def check_options(self, options: Options, engine: str | None = None) -> None:
        """Refuse unknown options (listing the known ones) and values of the wrong kind."""
        specs = self.option_specs
        problems: list[Problem] = []
        for name in sorted(options):
            spec = specs.get(name)
            if spec is None:
                known = ", ".join(sorted(specs)) or "none"
                problems.append(
                    Problem(
                        f"options.{name}",
                        f"{self.title} has no option called {name!r} (its options: {known})",
                        code="unknown_option",
                    )
                )
                continue
            wrong = spec.check(str(options[name]))
            if wrong:
                problems.append(Problem(f"options.{name}", f"{spec.label} {wrong}", code="bad_option"))
        if problems:
            unknown = [p.path.removeprefix("options.") for p in problems if p.code == "unknown_option"]
            what = f"unknown option(s) {', '.join(unknown)}" if unknown else "the options have problems"
            raise InvalidInput(f"{self.title}: {what}", problems)

    def request(
        self,
        case: Case,
        as_of: date,
        options: Options | None = None,
        engine: str | None = None,
        settings: Settings | None = None,
    ) -> DocumentRequest:
        return DocumentRequest.make(case, as_of, options, engine or self.default_engine, settings)

    def eligibility_of(self, case: Case, as_of: date, options: Options | None = None) -> list[Problem]:
        """``eligibility`` for a case, date and options (a request made for the call)."""
        return self.eligibility(self.request(case, as_of, options))

    def context_of(self, case: Case, as_of: date, options: Options | None = None) -> dict[str, Any]:
        """``context`` for a case, date and options (a request made for the call)."""
        return self.context(self.request(case, as_of, options))

    def eligibility(self, req: DocumentRequest) -> list[Problem]:
        """Blocking problems and warnings. An empty list means eligible."""
        return []

    def context(self, req: DocumentRequest) -> dict[str, Any]:
        raise NotImplementedError

    def context_for(self, req: DocumentRequest) -> dict[str, Any]:
        """The context ``req.engine`` needs; an official-form engine wants the form's logical field
        names rather than the html layout's objects. Defaults to ``context``."""
        return self.context(req)

    def static_parts(self, req: DocumentRequest) -> list[tuple[str, dict[str, Any]]]:
        """Templates appended after the document whose content does not depend on the case (enclosures
        that carry only the council's details). Each is rendered once per process for each distinct
        context and reused, which takes most of the layout work out of a batch."""
        return []

    def stored_inputs(self, req: DocumentRequest) -> list[StoredWanted]:
        """Stored versions the paper is made from (the demand a certificate of service exhibits).
        The corridor finds each in the register, puts its bytes in ``req.stored`` and its sha256 in
        the input hash, and appends those marked ``attach`` after the paper's own pages."""
        return []

    def appended(self, req: DocumentRequest) -> list[tuple[str, dict[str, str]]]:
        """Other papers of the same case and date that follow this one in the same PDF, as (document
        type id, options): each is checked and made by its own default engine (e.g. the particulars
        of claim after the claim form). A paper with appended papers or static parts is numbered
        "Page n of m" across the whole PDF."""
        return []

    def input_extras(self, req: DocumentRequest) -> dict[str, str]:
        """Inputs beyond the case, options, date and template that shape the document (e.g. the
        digest of the write-off policy in force); they go into the input hash, so a change to
        them makes a new version."""
        return {}

    def render_options(self, req: DocumentRequest) -> dict[str, Any]:
        """Keyword options for the engine's render call (e.g. flatten an official form)."""
        return {}

    def document_key(self, req: DocumentRequest) -> str:
        """Which logical document a render is a version of: by default one per case and type."""
        return self.id

    def figures(self, req: DocumentRequest) -> dict[str, str]:
        """The decisive figures the paper prints, kept with its version so that approvals and pages
        read what the paper says rather than working it out again with today's code. By default the
        case's figures at the paper's date; a type printing other sums (a demand's debt) says so."""
        from docgen.domain.money import fmt_plain

        facts = req.facts
        return {
            "balance": fmt_plain(facts.balance.outstanding),
            "claim_amount": fmt_plain(facts.claim_amount),
            "interest": fmt_plain(facts.interest.total),
            "fees": fmt_plain(facts.court_fee + facts.fixed_costs_on_issue),
            "total": fmt_plain(facts.total),
        }

    def pdf_title(self, case: Case) -> str:
        return f"{self.title} - {case.case_ref}"
