"""Papers over several cases: what a batch document type declares.

A write-off schedule, the committee report and a debt-panel pack each speak of a list of cases, not
of one. A batch type is handed one frozen ``BatchRequest`` (the cases as the service holds them,
with what the officer said about each, the date, the options and the engine) and declares, like a
one-case type: its checks, its context, its templates, its input extras and where it lives in the
register. The generation corridor renders every batch type the same way (``sections`` first, then
the paper's own template with the page each section starts on, merged with one bookmark per part)
and hashes its inputs with the one recipe (``docgen.documents.inputs``).

Batch papers live in the register under a reference of their own, ``<namespace>:<key>`` (for
example ``panel:2025-06-30``). A case reference cannot hold a colon, so no case can take one, and
no share reaches one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from docgen.documents.base import DocumentRequest, OptionSpec, options_index
from docgen.documents.inputs import entry_hash
from docgen.errors import InvalidInput, NotFound, Problem

if TYPE_CHECKING:
    from docgen.config import Settings
    from docgen.domain.case import Case

T = TypeVar("T")

#: what separates a batch paper's namespace from its key; never part of a case reference
NAMESPACE_MARK = ":"


def batch_ref(namespace: str, key: str) -> str:
    return f"{namespace}{NAMESPACE_MARK}{key}"


def is_batch_ref(ref: str) -> bool:
    return NAMESPACE_MARK in ref


@dataclass(frozen=True)
class BatchEntry:
    """One case of a batch, and what the officer said about it (e.g. the write-off reason)."""

    case: Case
    fields: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def hash(self) -> str:
        return entry_hash(self.case.content_hash(), self.fields)

    def field(self, name: str, default: str = "") -> str:
        return self.fields.get(name, default)


@dataclass(frozen=True, eq=False)
class BatchRequest:
    """One batch paper asked for: what every hook of a batch type is handed."""

    entries: tuple[BatchEntry, ...]
    as_of: date
    options: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    engine: str = ""
    _memo: dict[str, Any] = field(default_factory=dict, repr=False)
    #: the installation's settings the paper is made under (write-off policies, courts); None: the
    #: process's own
    settings: Settings | None = field(default=None, compare=False, repr=False)

    def memo(self, key: str, make: Callable[[], T]) -> T:
        """A value worked out once for this request and shared by its hooks (a pack's briefings)."""
        if key not in self._memo:
            self._memo[key] = make()
        return cast(T, self._memo[key])

    @classmethod
    def make(
        cls,
        entries: Sequence[BatchEntry],
        as_of: date,
        options: Mapping[str, str] | None = None,
        engine: str = "",
        settings: Settings | None = None,
    ) -> BatchRequest:
        opts = {str(k): str(v) for k, v in (options or {}).items()}
        return cls(
            tuple(entries), as_of, MappingProxyType(dict(sorted(opts.items()))), engine, settings=settings
        )

    @property
    def config(self) -> Settings:
        if self.settings is not None:
            return self.settings
        from docgen.config import get_settings

        return get_settings()

    @property
    def cases(self) -> list[Case]:
        return [e.case for e in self.entries]

    @property
    def council(self) -> str:
        return self.entries[0].case.creditor.name if self.entries else ""

    def option(self, name: str, default: str = "") -> str:
        return self.options.get(name, default)

    @cached_property
    def requests(self) -> tuple[DocumentRequest, ...]:
        """One request per case at the batch's date, each with its facts worked out once."""
        return tuple(
            DocumentRequest.make(e.case, self.as_of, {**self.options, **e.fields}, self.engine, self.settings)
            for e in self.entries
        )


@dataclass(frozen=True)
class Section:
    """A part rendered before the batch paper's own pages are laid out (a case's briefing in a
    pack): its template, its context, and the bookmark it gets."""

    bookmark: str
    template: str
    context: Mapping[str, Any]
    title: str = ""


class BatchDocumentType:
    """Base class for a batch type. Subclasses set the class attributes and override ``context``;
    ``register_batch`` makes them known."""

    id: ClassVar[str]
    title: ClassVar[str]
    family: ClassVar[str]
    #: the register namespace its papers live in (``<namespace>:<key>``)
    namespace: ClassVar[str]
    #: engine -> the template of the paper's own pages; the first is the default engine
    templates: ClassVar[dict[str, str]]
    #: engine -> templates its sections are rendered from (their hashes join the template hash)
    section_templates: ClassVar[dict[str, tuple[str, ...]]] = {}
    #: what the officer says about each case (e.g. reason, evidence)
    entry_fields: ClassVar[tuple[str, ...]] = ()
    options: ClassVar[tuple[OptionSpec, ...]] = ()
    #: the bookmark of the paper's own pages when it has sections
    own_bookmark: ClassVar[str] = ""
    #: whether the order of the cases is part of the paper (a pack's agenda) or not (a schedule
    #: sorts its rows): the same cases in another order are then the same paper
    ordered: ClassVar[bool] = True

    @property
    def default_engine(self) -> str:
        return next(iter(self.templates))

    @cached_property
    def option_specs(self) -> dict[str, OptionSpec]:
        return options_index(self.options)

    def all_templates(self, engine: str) -> tuple[str, ...]:
        return (self.templates[engine], *self.section_templates.get(engine, ()))

    def check_request(self, req: BatchRequest) -> None:
        """Refuse an empty batch, a case listed twice, unknown options or entry fields."""
        problems: list[Problem] = []
        if not req.entries:
            problems.append(Problem("entries", f"a {self.title.lower()} needs at least one case"))
        refs = [e.case.case_ref for e in req.entries]
        for ref in sorted({r for r in refs if refs.count(r) > 1}):
            problems.append(Problem("entries", f"{ref} is listed more than once", "duplicate_case"))
        for name in sorted(req.options):
            spec = self.option_specs.get(name)
            if spec is None:
                problems.append(
                    Problem(f"options.{name}", f"{self.title} has no option {name!r}", "unknown_option")
                )
            elif wrong := spec.check(req.options[name]):
                problems.append(Problem(f"options.{name}", f"{spec.label} {wrong}", "bad_option"))
        for n, entry in enumerate(req.entries):
            for name in sorted(set(entry.fields) - set(self.entry_fields)):
                problems.append(
                    Problem(f"entries[{n}].{name}", "not asked for by this paper", "unknown_field")
                )
        if problems:
            raise InvalidInput(f"{self.title}: the request has problems", problems)

    def register_key(self, req: BatchRequest) -> str:
        """Which batch paper this is within its namespace: by default, its date."""
        return req.as_of.isoformat()

    def register_ref(self, req: BatchRequest) -> str:
        return batch_ref(self.namespace, self.register_key(req))

    def document_key(self, req: BatchRequest) -> str:
        """Which logical document, within the register reference, a render is a version of."""
        return ""

    def eligibility(self, req: BatchRequest) -> list[Problem]:
        """Blocking problems and warnings for the batch as a whole."""
        return []

    def input_extras(self, req: BatchRequest) -> dict[str, str]:
        return {}

    def sections(self, req: BatchRequest) -> list[Section]:
        return []

    def context(self, req: BatchRequest, section_starts: Sequence[int]) -> dict[str, Any]:
        """The context of the paper's own pages; ``section_starts`` are the pages (1-based) each
        section starts on in the finished paper (empty without sections)."""
        raise NotImplementedError

    def attachments(self, req: BatchRequest) -> dict[str, bytes]:
        """Files made with the PDF besides the engine's own (e.g. a spreadsheet of the schedule)."""
        return {}

    def paper_title(self, req: BatchRequest) -> str:
        return f"{self.title} - {req.council} - {req.as_of.isoformat()}"

    def figures(self, req: BatchRequest) -> dict[str, str]:
        """The decisive figures the paper prints, recorded with its version."""
        return {}


_BATCH_TYPES: dict[str, BatchDocumentType] = {}
B = TypeVar("B", bound=type[BatchDocumentType])


def register_batch(cls: B) -> B:
    if cls.id in _BATCH_TYPES:
        raise ValueError(f"batch type {cls.id!r} registered twice")
    _BATCH_TYPES[cls.id] = cls()
    return cls


def get_batch(batch_type: str) -> BatchDocumentType:
    from docgen.documents import registry

    registry.all_types()  # the family modules declare their batch types beside their one-case types
    try:
        return _BATCH_TYPES[batch_type]
    except KeyError:
        known = ", ".join(sorted(_BATCH_TYPES))
        raise NotFound(
            f"unknown batch paper {batch_type!r} (known: {known})", code="unknown_doctype"
        ) from None


def all_batch_types() -> list[BatchDocumentType]:
    """Every registered paper over several cases (importing the registry registers them all)."""
    from docgen.documents import registry

    registry.all_types()
    return [_BATCH_TYPES[k] for k in sorted(_BATCH_TYPES)]
