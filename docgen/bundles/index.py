"""The bundle's front index, rendered from templates/html/bundle_index.html.

The index needs no outside resource, so the renderer may fetch nothing at all. Its links are
rendered as ``docgen-bundle:<page index>`` URIs and turned into internal links by the builder,
since an HTML page cannot link into a PDF it is not yet part of.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, select_autoescape
from jinja2.sandbox import SandboxedEnvironment
from weasyprint import HTML
from weasyprint.document import Document
from weasyprint.urls import URLFetcher

from docgen.bundles.layout import Placed
from docgen.bundles.spec import BundleSpec
from docgen.render.slot import WEASYPRINT

LINK_SCHEME = "docgen-bundle:"
TEMPLATE = "bundle_index.html"


@dataclass(frozen=True)
class IndexRequest:
    spec: BundleSpec
    placed: Sequence[Placed]
    volume: int
    volume_count: int
    supplementary: str = ""
    first_tab: int = 1  # tabs number on through the bundle, into a supplementary index too


def _fmt_date(d: dt.date) -> str:
    return f"{d.day} {d:%b %Y}"


def _range(first: str, last: str) -> str:
    return first if first == last else f"{first}–{last}"


def _rows(req: IndexRequest) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    current = None
    for tab, p in enumerate(req.placed, start=req.first_tab):
        here = p.volume == req.volume
        if p.doc.section != current:
            current = p.doc.section
            members = [q for q in req.placed if q.doc.section == current]
            in_volume = [q for q in members if q.volume == req.volume]
            single_volume = len({q.volume for q in members}) == 1
            rows.append(
                {
                    "kind": "section",
                    "letter": current,
                    "title": p.doc.section_title,
                    "href": f"{LINK_SCHEME}{in_volume[0].first_page - 1}" if in_volume else None,
                    "pages": _range(members[0].first_label, members[-1].last_label) if single_volume else "",
                }
            )
        rows.append(
            {
                "kind": "entry",
                "tab": tab,
                "date": _fmt_date(p.doc.date),
                "description": p.doc.description,
                "href": f"{LINK_SCHEME}{p.first_page - 1}" if here else None,
                "volume": p.volume,
                "pages": _range(p.first_label, p.last_label),
            }
        )
    return rows


def estimate_pages(rows: int) -> int:
    """A first guess of the index's length, so that one layout usually settles it (measured on A4)."""
    return max(1, -(-(rows + 12) // 37))


def layout_index(req: IndexRequest, templates_dir: Path) -> Document:
    """The laid-out index; ``len(result.pages)`` is its length and ``write_pdf()`` its bytes."""
    env = SandboxedEnvironment(
        loader=FileSystemLoader(templates_dir / "html"), autoescape=select_autoescape(["html"])
    )
    spec = req.spec
    hearing = ""
    if spec.hearing.type or spec.hearing.date:
        when = _fmt_date(spec.hearing.date) if spec.hearing.date else ""
        hearing = " – ".join(x for x in (spec.hearing.type or "", when) if x)
    html = env.get_template(TEMPLATE).render(
        title=spec.title,
        court=spec.court,
        case_ref=spec.case_ref,
        claimant=spec.parties.claimant,
        defendant=spec.parties.defendant,
        hearing=hearing,
        volume=req.volume,
        volume_count=req.volume_count,
        supplementary=req.supplementary,
        rows=_rows(req),
    )
    # An empty allow-list: the index loads nothing from anywhere.
    fetcher = URLFetcher(allowed_protocols=frozenset())
    with WEASYPRINT:
        return HTML(string=html, base_url=str(templates_dir / "html"), url_fetcher=fetcher).render()


def template_hash(templates_dir: Path) -> str:
    """sha256 of the index template, recorded with every stored bundle (the index includes nothing)."""
    return hashlib.sha256((templates_dir / "html" / TEMPLATE).read_bytes()).hexdigest()
