"""Errors with stable short codes.

Each carries a safe message for users and, where useful, structured problems. The API maps
``status`` onto HTTP; the CLI maps ``exit_code`` onto the process exit status.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, named by its path (``debtors[0].address.postcode``).

    ``message`` is plain English for officers and managers, as it may be shown on a page or in a
    briefing; ``hint`` is the command-line way to act on it (an option to give, a command to run),
    shown by the CLI and never printed on a paper.

    A rule that turns on time says when: ``opens_on`` is the first day on which a blocking problem
    no longer stands if nothing else changes (a waiting period ends, a moratorium ends);
    ``closes_on`` is the last day on which something can still be done as things stand (a
    limitation period, the time to serve a claim form). ``option`` names the document option whose
    answer settles the problem (a reason to record, a choice to make); a problem about an option's
    own value (path ``options.<name>``) names it without saying so."""

    path: str
    message: str
    code: str = "invalid"
    blocking: bool = True
    hint: str = ""
    opens_on: date | None = None
    closes_on: date | None = None
    option: str = ""

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message

    @property
    def answered_by(self) -> str:
        """The option whose answer settles this problem, or ""."""
        if self.option:
            return self.option
        return self.path.removeprefix("options.") if self.path.startswith("options.") else ""

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "path": self.path,
            "message": self.message,
            "code": self.code,
            "blocking": self.blocking,
            "hint": self.hint,
        }
        # only when set, so that the problems of rules that do not turn on time read as before
        if self.opens_on is not None:
            out["opens_on"] = self.opens_on.isoformat()
        if self.closes_on is not None:
            out["closes_on"] = self.closes_on.isoformat()
        if self.option:
            out["option"] = self.option
        return out


@dataclass
class DocgenError(Exception):
    message: str
    code: str = "error"
    status: int = 400
    exit_code: int = 1
    problems: list[Problem] = field(default_factory=list)
    #: set on a refusal of access (hidden or forbidden): who asked for what, and why it was refused,
    #: for the audit trail; never shown to the caller
    denied: dict[str, str] | None = None

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class InvalidInput(DocgenError):
    def __init__(self, message: str, problems: list[Problem] | None = None, code: str = "invalid_input"):
        super().__init__(message, code=code, status=422, exit_code=2, problems=problems or [])


class Ineligible(DocgenError):
    def __init__(self, message: str, problems: list[Problem]):
        super().__init__(message, code="ineligible", status=409, exit_code=3, problems=problems)


class NotFound(DocgenError):
    def __init__(self, message: str, code: str = "not_found"):
        super().__init__(message, code=code, status=404, exit_code=4)


class Conflict(DocgenError):
    def __init__(self, message: str, code: str = "conflict"):
        super().__init__(message, code=code, status=409, exit_code=5)


class Forbidden(DocgenError):
    def __init__(self, message: str, code: str = "forbidden"):
        super().__init__(message, code=code, status=403, exit_code=6)


class UnsafeTemplate(DocgenError):
    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message, code="unsafe_template", status=422, exit_code=2, problems=problems or [])


class BadPdf(DocgenError):
    def __init__(self, message: str, code: str = "bad_pdf"):
        super().__init__(message, code=code, status=422, exit_code=2)


class EngineUnavailable(DocgenError):
    """An engine cannot do this operation here (not installed, not configured)."""

    def __init__(self, message: str, code: str = "engine_unavailable"):
        super().__init__(message, code=code, status=503, exit_code=7)


class NotSupported(DocgenError):
    """An engine was asked for an operation it does not have (e.g. a static part from the official
    form filler)."""

    def __init__(self, message: str, code: str = "not_supported"):
        super().__init__(message, code=code, status=422, exit_code=7)


class StorageUnavailable(DocgenError):
    def __init__(self, message: str):
        super().__init__(message, code="storage_unavailable", status=503, exit_code=8)
