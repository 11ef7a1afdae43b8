"""The bundle spec: what goes into a court bundle, in which section, in what order.

Written by hand as YAML or JSON. Every problem is reported at once with its path
(``sections[1].items[0].source``), like a case file. For example::

    title: Trial bundle
    case_ref: K00NN123
    court: County Court at Northampton
    parties: {claimant: Northshire Borough Council, defendant: Zoe Smith}
    hearing: {date: 2026-12-01, type: Small claims hearing}
    options: {numbering: plain}          # or "section" (A1, B12); volume_pages: 300
    sections:
      - letter: A
        title: Statements of case
        items:
          - {source: {version: {document_id: 3f2a9c0d1e, number: 2}}, date: 2026-02-01, description: Claim form}
          - {source: {file: evidence/defence.pdf}, date: 2026-03-01, description: Defence}
      - letter: C
        title: Evidence
        items:
          - {source: {upload: <sha256 of an uploaded file>}, date: 2025-11-05, description: Photograph}
          - {source: {file: statement.pdf}, date: 2026-04-01, description: Statement, password: s3cret}
          - {source: {file: bank.pdf}, date: 2026-04-02, description: Bank letter,
             redact: [{page: 1, box: [70, 600, 320, 640]}]}   # removed for good, in points
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from docgen.domain.case import problems_from
from docgen.errors import InvalidInput, Problem

MAX_SPEC_BYTES = 1024 * 1024
# libyaml's safe loader where installed: the pure-Python one takes a third of a second on a large spec.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class VersionRef(_Model):
    document_id: str = Field(min_length=1, max_length=200)
    number: int = Field(ge=1)


class Source(_Model):
    """Exactly one of: a stored document version, a file beside the spec, an uploaded file by hash."""

    version: VersionRef | None = None
    file: str | None = Field(default=None, min_length=1, max_length=500)
    upload: str | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Source:
        given = [k for k in ("version", "file", "upload") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of version, file or upload")
        return self

    @field_validator("upload")
    @classmethod
    def _sha256(cls, v: str | None) -> str | None:
        if v is not None and not _SHA256_RE.match(v):
            raise ValueError("upload must be the file's sha256 in lower-case hex")
        return v

    @property
    def key(self) -> str:
        """A stable name for the source, used in the manifest and to recognise late additions."""
        if self.version is not None:
            return f"version:{self.version.document_id}/{self.version.number}"
        if self.file is not None:
            return f"file:{self.file}"
        return f"upload:{self.upload}"


class RedactArea(_Model):
    """An area to remove for good from an input: page (from 1) and box in PDF points on the page
    as displayed, from its bottom-left corner: [left, bottom, right, top]."""

    page: int = Field(ge=1, le=100_000)
    box: tuple[float, float, float, float]

    @field_validator("box")
    @classmethod
    def _box(cls, v: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        left, bottom, right, top = v
        if min(v) < 0 or max(v) > 20_000:
            raise ValueError("a box's corners must lie on the page (0 to 20,000 points)")
        if right <= left or top <= bottom:
            raise ValueError("a box is [left, bottom, right, top] with right > left and top > bottom")
        return v


class Item(_Model):
    source: Source
    date: dt.date
    description: str = Field(min_length=1, max_length=300)
    order: int | None = None
    # Only for an encrypted input; never written to the manifest or the bundle.
    password: str | None = Field(default=None, repr=False)
    # Areas removed for good (content under them, not covered): see docgen.pdf.redact
    redact: list[RedactArea] = Field(default_factory=list, max_length=1000)


class Section(_Model):
    letter: str = Field(pattern=r"^[A-Z]$")
    title: str = Field(min_length=1, max_length=120)
    items: list[Item] = Field(default_factory=list)

    def ordered_items(self) -> list[Item]:
        """By date (oldest first), as PD 32 para 27 asks, unless any item sets its order by hand.

        Items with an ``order`` come in that order; the rest follow by date. Ties keep spec order.
        """
        indexed = list(enumerate(self.items))
        indexed.sort(key=lambda p: (p[1].order is None, p[1].order or 0, p[1].date, p[0]))
        return [item for _, item in indexed]


class Parties(_Model):
    claimant: str = Field(min_length=1, max_length=300)
    defendant: str = Field(min_length=1, max_length=300)


class Hearing(_Model):
    date: dt.date | None = None
    type: str | None = Field(default=None, max_length=120)


class Options(_Model):
    numbering: Literal["plain", "section"] = "plain"
    volume_pages: int | None = Field(default=None, ge=20, le=100_000)
    # A redacted bundle: stored papers must be their redacted copies (personal data left out at
    # source); it is kept as a document of its own, the one a redacted share sees.
    redact: bool = False


class BundleSpec(_Model):
    title: str = Field(min_length=1, max_length=200)
    case_ref: str = Field(min_length=1, max_length=60)
    court: str = Field(min_length=1, max_length=200)
    parties: Parties
    hearing: Hearing = Hearing()
    sections: list[Section] = Field(min_length=1)
    options: Options = Options()

    @model_validator(mode="after")
    def _unique(self) -> BundleSpec:
        letters = [s.letter for s in self.sections]
        if len(set(letters)) != len(letters):
            raise ValueError(f"section letters must be unique, got {letters}")
        keys = [i.source.key for s in self.sections for i in s.items]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if dupes:
            raise ValueError(f"a source may appear once in a bundle: {', '.join(dupes)}")
        if not keys:
            raise ValueError("the bundle has no documents")
        return self

    def spec_hash(self) -> str:
        """Hash of what shapes the output (passwords left out)."""
        data = self.model_dump(
            mode="json", exclude={"sections": {"__all__": {"items": {"__all__": {"password"}}}}}
        )
        return hashlib.sha256(json.dumps(data, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def parse_spec(data: Any, source: str = "bundle spec") -> BundleSpec:
    if not isinstance(data, dict):
        raise InvalidInput(f"{source}: expected a mapping at the top level")
    try:
        return BundleSpec.model_validate(data)
    except ValidationError as exc:
        problems = problems_from(exc)
        raise InvalidInput(f"{source}: {len(problems)} problem(s) in the bundle spec", problems) from None


def load_spec(path: str | Path) -> BundleSpec:
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"{p}: cannot read ({exc.strerror or exc})", code="unreadable") from None
    if len(raw) > MAX_SPEC_BYTES:
        raise InvalidInput(f"{p}: larger than 1 MB; not a bundle spec")
    try:
        # YAML is a superset of JSON, so one loader serves both; safe_load builds no objects.
        data = yaml.load(raw, Loader=_SafeLoader)
    except yaml.YAMLError as exc:
        raise InvalidInput(f"{p}: not valid YAML or JSON ({exc})", [Problem("", str(exc))]) from None
    return parse_spec(data, str(p))
