"""What every document type declares: id, title, inputs, eligibility and context."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from docgen.errors import Problem

if TYPE_CHECKING:
    from docgen.domain.case import Case

Options = Mapping[str, str]


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
    #: the option keys this type understands, with a one-line description
    option_help: ClassVar[dict[str, str]] = {}

    @property
    def default_engine(self) -> str:
        return next(iter(self.templates))

    def eligibility(self, case: Case, as_of: date, options: Options) -> list[Problem]:
        """Blocking problems and warnings. An empty list means eligible."""
        return []

    def context(self, case: Case, as_of: date, options: Options) -> dict[str, Any]:
        raise NotImplementedError

    def context_for(self, engine: str, case: Case, as_of: date, options: Options) -> dict[str, Any]:
        """The context a given engine needs; an official-form engine wants the form's logical field
        names rather than the html layout's objects. Defaults to ``context``."""
        return self.context(case, as_of, options)

    def static_parts(self, case: Case, as_of: date, options: Options) -> list[tuple[str, dict[str, Any]]]:
        """Templates appended after the document whose content does not depend on the case (enclosures
        that carry only the council's details). Each is rendered once per process for each distinct
        context and reused, which takes most of the layout work out of a batch."""
        return []

    def input_extras(self, case: Case, as_of: date, options: Options) -> dict[str, str]:
        """Inputs beyond the case, options, date and template that shape the document (e.g. the
        digest of the write-off policy in force); they go into the input hash, so a change to
        them makes a new version."""
        return {}

    def render_options(self, engine: str, options: Options) -> dict[str, Any]:
        """Keyword options for the engine's render call (e.g. flatten an official form)."""
        return {}

    def document_key(self, case: Case, options: Options) -> str:
        """Which logical document a render is a version of: by default one per case and type."""
        return self.id

    def pdf_title(self, case: Case) -> str:
        return f"{self.title} - {case.case_ref}"
