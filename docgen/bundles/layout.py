"""Where every document lands: volume, first and last page, page labels. Pure arithmetic, no PDF.

Pagination choices, as the 2021 electronic bundle guidance and the court guides expect:
- plain numbering: every volume is its own PDF numbered from 1 on its first page (the index), so
  the stamped page always equals the PDF page the reader's viewer shows;
- section numbering (A1, B12): index pages are i, ii, ...; each section counts from 1 and carries
  on across volumes, so a reference such as "B45" names one page in the whole bundle;
- a volume never splits a document; a document longer than a volume gets a volume of its own;
- late additions go after everything else in a section of their own, so no earlier page moves;
  the front index lists them while it still fits in its pages, otherwise a supplementary index
  opens the late section and lists them (the front index keeps its length).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from pydantic import BaseModel, ConfigDict

MANIFEST_SCHEMA = "docgen.bundle-manifest/1"
LATE_TITLE = "Late additions"

Numbering = Literal["plain", "section"]
SUPPLEMENT_PREFIX = "index:late-"
SUPPLEMENT_TITLE = "Index of late additions"


def is_supplement(key: str) -> bool:
    return key.startswith(SUPPLEMENT_PREFIX)


@dataclass(frozen=True)
class Doc:
    """One document in bundle order, with its page count known."""

    key: str
    section: str
    section_title: str
    description: str
    date: dt.date
    pages: int
    sha256: str
    late: bool = False
    # Which index lists it: "" for the front index, else the key of a supplementary index.
    listed_in: str = ""

    @property
    def generated(self) -> bool:
        return is_supplement(self.key)


@dataclass(frozen=True)
class Placed:
    doc: Doc
    volume: int
    first_page: int  # 1-based PDF page within its volume
    last_page: int
    first_label: str
    last_label: str


def roman(n: int) -> str:
    out = []
    for value, glyph in (
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ):
        while n >= value:
            out.append(glyph)
            n -= value
    return "".join(out)


def split_volumes(docs: Sequence[Doc], index_pages: int, volume_pages: int) -> list[list[Doc]]:
    """Greedy: fill a volume until the next document would take it over ``volume_pages``."""
    volumes: list[list[Doc]] = [[]]
    used = index_pages
    for doc in docs:
        if volumes[-1] and used + doc.pages > volume_pages:
            volumes.append([])
            used = index_pages
        volumes[-1].append(doc)
        used += doc.pages
    return volumes


def place(volumes: Sequence[Sequence[Doc]], index_pages: int, numbering: Numbering) -> list[Placed]:
    placed: list[Placed] = []
    section_count: dict[str, int] = {}
    for number, docs in enumerate(volumes, start=1):
        page = index_pages + 1
        for doc in docs:
            first, last = page, page + doc.pages - 1
            if numbering == "section":
                start = section_count.get(doc.section, 0) + 1
                section_count[doc.section] = start + doc.pages - 1
                first_label, last_label = f"{doc.section}{start}", f"{doc.section}{start + doc.pages - 1}"
            else:
                first_label, last_label = str(first), str(last)
            placed.append(Placed(doc, number, first, last, first_label, last_label))
            page = last + 1
    return placed


def page_labels(placed: Sequence[Placed], volume: int, index_pages: int, numbering: Numbering) -> list[str]:
    """The label stamped on each page of one volume, in page order."""
    if numbering == "plain":
        total = index_pages + sum(p.doc.pages for p in placed if p.volume == volume)
        return [str(i) for i in range(1, total + 1)]
    labels = [roman(i) for i in range(1, index_pages + 1)]
    for p in placed:
        if p.volume == volume:
            start = int(p.first_label[1:])
            labels.extend(f"{p.doc.section}{start + i}" for i in range(p.doc.pages))
    return labels


class ManifestEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str
    section: str
    section_title: str
    description: str
    date: dt.date
    pages: int
    sha256: str
    late: bool
    volume: int
    first_page: int
    last_page: int
    first_label: str
    last_label: str
    listed_in: str = ""


class ManifestVolume(BaseModel):
    model_config = ConfigDict(frozen=True)

    number: int
    pages: int
    index_pages: int
    sha256: str


class Manifest(BaseModel):
    """What a built bundle holds; kept beside it so that late additions can paginate on."""

    model_config = ConfigDict(frozen=True)

    schema_id: str = MANIFEST_SCHEMA
    title: str
    case_ref: str
    spec_hash: str
    numbering: Numbering
    volume_pages: int
    index_pages: int
    entries: list[ManifestEntry]
    volumes: list[ManifestVolume]

    def docs(self) -> list[Doc]:
        return [
            Doc(
                e.key,
                e.section,
                e.section_title,
                e.description,
                e.date,
                e.pages,
                e.sha256,
                e.late,
                e.listed_in,
            )
            for e in self.entries
        ]


def manifest_entry(p: Placed) -> ManifestEntry:
    d = p.doc
    return ManifestEntry(
        key=d.key,
        section=d.section,
        section_title=d.section_title,
        description=d.description,
        date=d.date,
        pages=d.pages,
        sha256=d.sha256,
        late=d.late,
        volume=p.volume,
        first_page=p.first_page,
        last_page=p.last_page,
        first_label=p.first_label,
        last_label=p.last_label,
        listed_in=d.listed_in,
    )


def late_section_letter(previous: Sequence[Doc]) -> str:
    last = max(d.section for d in previous)
    if last == "Z":
        return "Z"
    return chr(ord(last) + 1)


def as_late(doc: Doc, letter: str) -> Doc:
    return replace(doc, section=letter, section_title=LATE_TITLE, late=True)
