"""The html engine: a sandboxed Jinja2 template rendered to PDF by WeasyPrint.

Templates cannot reach Python internals (SandboxedEnvironment), every value is escaped, and the PDF
renderer can load nothing but files under the project's template and form folders and data: URIs.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from importlib.metadata import version
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import jinja2
import jinja2.meta
from jinja2.sandbox import SandboxedEnvironment
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from docgen.domain.money import fmt_gbp
from docgen.errors import UnsafeTemplate
from docgen.render.base import PdfMeta, RenderOutput, refuse_options
from docgen.render.slot import WEASYPRINT

log = logging.getLogger(__name__)

# One font configuration per process: building it scans the system fonts.
_FONT_CONFIG: FontConfiguration | None = None


def font_config() -> FontConfiguration:
    global _FONT_CONFIG
    if _FONT_CONFIG is None:
        _FONT_CONFIG = FontConfiguration()
    return _FONT_CONFIG


class _ProjectHTML(HTML):
    """WeasyPrint's HTML with the project's lean user-agent stylesheet (templates/html/ua.css)."""

    ua_sheet: CSS | None = None

    def _ua_stylesheets(self, forms: bool = False) -> list[CSS]:
        assert self.ua_sheet is not None
        return [self.ua_sheet]


class RefusedFetch(FatalURLFetchingError):
    """A template or its content asked for something outside the allowed folders."""


class LockedFetcher(URLFetcher):
    """Serves data: URIs and files under the allowed roots; refuses everything else."""

    def __init__(self, roots: list[Path]):
        super().__init__(allowed_protocols=["file", "data"], allow_redirects=False)
        self.roots = [r.resolve() for r in roots]

    def fetch(self, url: str, headers: Any = None) -> Any:
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = Path(unquote(urlparse(url).path)).resolve()
            if any(path.is_relative_to(root) for root in self.roots) and path.is_file():
                return super().fetch(url, headers)
        log.error("refused to fetch %s: only the template and form folders may be read", url)
        raise RefusedFetch(
            f"refused to fetch {url}: only files under the template and form folders may be loaded"
        )


def _fmt_date(value: date | None, style: str = "long") -> str:
    if value is None:
        return ""
    if style == "short":
        return value.strftime("%d/%m/%Y")
    return f"{value.day} {value.strftime('%B %Y')}"


def _stable_default(value: Any) -> Any:
    """JSON for the objects a static part's context may hold (pydantic models, dates, money)."""
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    return str(value)


def _gbp(value: Decimal | None) -> str:
    return "" if value is None else fmt_gbp(value)


def _lines(value: Any) -> list[str]:
    return list(value.as_lines()) if hasattr(value, "as_lines") else list(value or [])


class HtmlEngine:
    name = "html"

    def __init__(self, templates_dir: Path, forms_dir: Path):
        self.templates_dir = templates_dir.resolve()
        self.forms_dir = forms_dir.resolve()
        self.env = SandboxedEnvironment(
            loader=jinja2.FileSystemLoader([str(self.templates_dir / "html"), str(self.forms_dir)]),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters.update(gbp=_gbp, date=_fmt_date, lines=_lines)
        self.fetcher = LockedFetcher([self.templates_dir, self.forms_dir])
        self._css: dict[str, CSS] = {}
        #: template -> (hash, checks that each file it was made from is unchanged on disk)
        self._hashes: dict[str, tuple[str, list[Callable[[], bool]]]] = {}
        self._static: dict[str, bytes] = {}

    def _stylesheet(self, name: str) -> CSS:
        # Parsed once per process and reused: parsing the shared CSS is a measurable share of a render.
        if name not in self._css:
            path = self.templates_dir / "html" / name
            self._css[name] = CSS(filename=str(path), url_fetcher=self.fetcher, font_config=font_config())
        return self._css[name]

    def render_html(self, template: str, context: Mapping[str, Any], meta: PdfMeta) -> str:
        try:
            tpl = self.env.get_template(template)
            return tpl.render(**context, meta=meta)
        except jinja2.TemplateSyntaxError as exc:
            raise UnsafeTemplate(f"{exc.filename or template}: line {exc.lineno}: {exc.message}") from None
        except jinja2.exceptions.SecurityError as exc:
            raise UnsafeTemplate(f"{template}: refused by the sandbox: {exc}") from None
        except jinja2.UndefinedError as exc:
            raise UnsafeTemplate(f"{template}: {exc.message}") from None
        except (TypeError, ValueError, ArithmeticError, LookupError, AttributeError) as exc:
            # a template that fails on these values: name the template, never a raw traceback
            log.exception("template %s failed", template)
            raise UnsafeTemplate(
                f"{template}: the template failed on this data: {type(exc).__name__}: {exc}"
            ) from None

    def render(
        self,
        template: str,
        context: Mapping[str, Any],
        meta: PdfMeta,
        options: Mapping[str, Any] | None = None,
    ) -> RenderOutput:
        refuse_options(self.name, options, ())
        html = self.render_html(template, context, meta)
        doc = _ProjectHTML(
            string=html, base_url=str(self.templates_dir / "html") + "/", url_fetcher=self.fetcher
        )
        doc.ua_sheet = self._stylesheet("ua.css")
        try:
            with WEASYPRINT:
                pdf = doc.write_pdf(
                    stylesheets=[self._stylesheet("base.css")],
                    font_config=font_config(),
                    pdf_identifier=bytes.fromhex(meta.document_id)[:16],
                    pdf_version="1.7",
                )
        except RefusedFetch as exc:
            raise UnsafeTemplate(str(exc)) from None
        assert pdf is not None
        return RenderOutput(pdf=pdf)

    def render_static(self, template: str, context: Mapping[str, Any], title: str, created: date) -> bytes:
        """A part whose content depends only on ``context``: rendered once per process for each
        distinct context and template version, then reused."""
        key_src = json.dumps(
            {"t": template, "h": self.template_hash(template), "c": context},
            sort_keys=True,
            default=_stable_default,
        )
        key = hashlib.sha256(key_src.encode()).hexdigest()
        cached = self._static.get(key)
        if cached is None:
            meta = PdfMeta(title=title, document_id=key[:32], created=created)
            cached = self.render(template, context, meta).pdf
            if len(self._static) >= 64:
                self._static.pop(next(iter(self._static)))
            self._static[key] = cached
        return cached

    def page_numbers(self, total: int) -> bytes:
        """``total`` blank A4 pages carrying only "Page n of m" where the shared stylesheet puts it:
        drawn over a PDF made of several parts, so that the numbering runs through the whole file in
        the same type and place as a single paper's. Rendered once per process for each ``total``."""
        key = f"page-numbers:{total}"
        cached = self._static.get(key)
        if cached is None:
            pages = "".join('<div class="blank-page"></div>' for _ in range(total))
            html = (
                '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>pages</title>'
                "<style>.blank-page + .blank-page { break-before: page; }</style></head>"
                f"<body>{pages}</body></html>"
            )
            doc = _ProjectHTML(
                string=html, base_url=str(self.templates_dir / "html") + "/", url_fetcher=self.fetcher
            )
            doc.ua_sheet = self._stylesheet("ua.css")
            digest = hashlib.sha256(key.encode()).digest()[:16]
            with WEASYPRINT:
                pdf = doc.write_pdf(
                    stylesheets=[self._stylesheet("base.css")],
                    font_config=font_config(),
                    pdf_identifier=digest,
                    pdf_version="1.7",
                )
            assert pdf is not None
            cached = pdf
            if len(self._static) >= 64:
                self._static.pop(next(iter(self._static)))
            self._static[key] = cached
        return cached

    def template_hash(self, template: str) -> str:
        """sha256 over the template and every template it extends or includes, plus the shared CSS."""
        cached = self._hashes.get(template)
        if cached is not None and all(fresh() for fresh in cached[1]):
            return cached[0]
        seen: set[str] = set()
        digest = hashlib.sha256()
        checks: list[Callable[[], bool]] = []

        def visit(name: str) -> None:
            if name in seen:
                return
            seen.add(name)
            source, _, uptodate = self.env.loader.get_source(self.env, name)  # type: ignore[union-attr]
            if uptodate is not None:
                checks.append(uptodate)
            digest.update(name.encode() + b"\0" + source.encode() + b"\0")
            ast = self.env.parse(source)
            for ref in jinja2.meta.find_referenced_templates(ast):
                if ref:
                    visit(ref)

        visit(template)
        for sheet in ("base.css", "ua.css"):
            path = self.templates_dir / "html" / sheet
            digest.update(path.read_bytes())
            checks.append(_unchanged_since(path))
        # a template changed on disk (a release) is hashed again, so its next paper is a new version
        self._hashes[template] = (digest.hexdigest(), checks)
        return self._hashes[template][0]

    def versions(self) -> dict[str, str]:
        return {"weasyprint": version("weasyprint"), "jinja2": version("jinja2")}


def _unchanged_since(path: Path) -> Callable[[], bool]:
    stamp = path.stat().st_mtime_ns

    def fresh() -> bool:
        return path.stat().st_mtime_ns == stamp

    return fresh
