"""The DOCX engine: a Word template filled by docxtpl, turned into PDF by a warm LibreOffice.

Councils keep their report templates in Word, so staff can edit them; the filled DOCX is returned
beside the PDF (``attachments["docx"]``) for the register to store.

Order of the steps, and why:
1. lint the template against the context's names: a template an admin replaced must fail with the
   paragraph to fix, never render with blanks;
2. fill it in a sandboxed, autoescaping Jinja environment with StrictUndefined;
3. normalise the DOCX zip (fixed timestamps, properties from the document's metadata), so the
   stored DOCX is byte-stable for the same inputs;
4. convert to PDF through LibreOffice;
5. rewrite the PDF's info dictionary and /ID from ``PdfMeta``, after conversion because LibreOffice
   stamps the wall-clock time and a random id. Nothing else in LibreOffice's PDF varies run to run
   (checked by tests that render twice and compare bytes).
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import docx
import docxtpl
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import StrictUndefined, TemplateSyntaxError, meta, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, ByteStringObject

from docgen.config import Settings
from docgen.domain.money import fmt_gbp
from docgen.errors import BadPdf, NotFound, NotSupported, Problem, UnsafeTemplate
from docgen.render.base import PdfMeta, RenderOutput, refuse_options
from docgen.render.libreoffice import LibreOffice, warm_libreoffice
from docgen.tabular import normalise_zip

_SAFE_TEMPLATE_NAME = re.compile(r"^[A-Za-z0-9_.-]+\.docx$")


@runtime_checkable
class Picture(Protocol):
    """A context value drawn as an image (e.g. a chart): PNG bytes and a printed width."""

    png: bytes
    width_mm: float


# -- Jinja environment ------------------------------------------------------------------------


def _fmt_date(value: date | None) -> str:
    return "" if value is None else f"{value.day} {value:%B %Y}"


def _fmt_gbp(value: Decimal | int | str | None) -> str:
    return "" if value is None else fmt_gbp(Decimal(value))


FILTERS: dict[str, Callable[..., str]] = {"gbp": _fmt_gbp, "date_uk": _fmt_date}


def make_environment() -> ImmutableSandboxedEnvironment:
    """The sandbox every DOCX template runs in. Immutable: a template cannot change the context."""
    env = ImmutableSandboxedEnvironment(autoescape=True, undefined=StrictUndefined)
    env.filters.update(FILTERS)
    return env


# -- template lint ----------------------------------------------------------------------------


def _template_parts(tpl: DocxTemplate) -> list[tuple[str, str]]:
    """(part name, Jinja source) for the body, headers and footers, as docxtpl will render them,
    with each paragraph on its own line so that a Jinja line number names a paragraph."""
    document = tpl.get_docx()
    parts = [("body", tpl.get_xml())]
    for uri, label in ((tpl.HEADER_URI, "header"), (tpl.FOOTER_URI, "footer")):
        for _rel, part in tpl.get_headers_footers(uri):
            parts.append((f"{label} {Path(str(part.partname)).stem}", tpl.get_part_xml(part)))
    del document
    return [(name, re.sub(r"<w:p([ >])", r"\n<w:p\1", tpl.patch_xml(xml))) for name, xml in parts]


def _paragraph_text(source: str, lineno: int) -> str:
    lines = source.splitlines()
    if not 1 <= lineno <= len(lines):
        return ""
    text = re.sub(r"<[^>]+>", "", lines[lineno - 1])
    return text if len(text) <= 70 else text[:67] + "..."


def _where(part: str, source: str, lineno: int) -> str:
    # Line 1 is what precedes the first paragraph; line n is paragraph n - 1.
    snippet = _paragraph_text(source, lineno)
    location = f"{part} paragraph {max(lineno - 1, 1)}"
    return f"{location} ('{snippet}')" if snippet else location


def lint_docx_template(data: bytes, known_variables: Iterable[str]) -> list[Problem]:
    """Problems that stop a template from being used: not a DOCX, Jinja syntax errors, unknown
    filters, variables the document's context does not provide, and attribute names the sandbox
    would refuse. Each problem names the part and paragraph (with its text) to fix in Word."""
    try:
        tpl = DocxTemplate(io.BytesIO(data))
        parts = _template_parts(tpl)
    except Exception as exc:  # python-docx raises several types for a file that is not a DOCX
        return [Problem("template", f"not a Word document (.docx): {type(exc).__name__}", "not_docx")]
    env = make_environment()
    known = set(known_variables) | set(env.globals)
    problems: list[Problem] = []
    for part, source in parts:
        try:
            ast = env.parse(source)
        except TemplateSyntaxError as exc:
            where = _where(part, source, exc.lineno or 1)
            problems.append(Problem(where, f"template syntax: {exc.message}", "template_syntax"))
            continue
        try:
            env.from_string(source)  # compiling finds unknown filters and tests
        except TemplateSyntaxError as exc:
            where = _where(part, source, exc.lineno or 1)
            problems.append(Problem(where, f"template syntax: {exc.message}", "template_syntax"))
        try:
            undeclared = meta.find_undeclared_variables(ast) - known
        except TemplateSyntaxError:
            # Already reported as an unknown filter; fall back to names never assigned in the template.
            stored = {n.name for n in ast.find_all(nodes.Name) if n.ctx in ("store", "param")}
            undeclared = {n.name for n in ast.find_all(nodes.Name) if n.ctx == "load"} - stored - known
        seen: set[str] = set()
        for node in ast.find_all(nodes.Name):
            if node.ctx == "load" and node.name in undeclared and node.name not in seen:
                seen.add(node.name)
                where = _where(part, source, node.lineno)
                problems.append(Problem(where, f"undefined variable '{node.name}'", "undefined_variable"))
        for attr in ast.find_all(nodes.Getattr):
            if attr.attr.startswith("_"):
                where = _where(part, source, attr.lineno)
                problems.append(Problem(where, f"attribute '{attr.attr}' is not allowed", "unsafe_attribute"))
        problems.extend(_unsafe_nodes(ast, part, source))
    return [*_package_problems(data), *problems]


def _unsafe_nodes(ast: nodes.Template, part: str, source: str) -> list[Problem]:
    """What the sandbox would refuse only when the paper is made: other templates pulled in, the
    ``attr`` filter, and private names reached by index or by a filter's attribute argument."""
    problems: list[Problem] = []
    for node in ast.find_all((nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
        kind = type(node).__name__.lower().replace("fromimport", "import")
        problems.append(
            Problem(
                _where(part, source, node.lineno),
                f"a Word template cannot {kind} another template; put the text in this one",
                "template_include",
            )
        )
    for flt in ast.find_all(nodes.Filter):
        if flt.name == "attr":
            problems.append(
                Problem(
                    _where(part, source, flt.lineno), "the 'attr' filter is not allowed", "unsafe_attribute"
                )
            )
        for arg in [*flt.args, *(kw.value for kw in flt.kwargs)]:
            if isinstance(arg, nodes.Const) and isinstance(arg.value, str) and arg.value.startswith("_"):
                problems.append(
                    Problem(
                        _where(part, source, flt.lineno),
                        f"attribute '{arg.value}' is not allowed",
                        "unsafe_attribute",
                    )
                )
    for item in ast.find_all(nodes.Getitem):
        key = item.arg
        if isinstance(key, nodes.Const) and isinstance(key.value, str) and key.value.startswith("_"):
            problems.append(
                Problem(
                    _where(part, source, item.lineno),
                    f"attribute '{key.value}' is not allowed",
                    "unsafe_attribute",
                )
            )
    return problems


#: a template's parts unpacked may not be larger than this (a zip bomb is refused, not unpacked)
MAX_TEMPLATE_UNPACKED = 64 * 1024 * 1024
_RELATIONSHIP = re.compile(rb"<Relationship\b[^>]*>")
_ATTRIBUTE = re.compile(rb'([A-Za-z]+)\s*=\s*"([^"]*)"')
#: Word fields that fetch a file or an address when the document is laid out
_FETCHING_FIELD = re.compile(rb"\b(INCLUDEPICTURE|INCLUDETEXT|LINK|DDE|DDEAUTO|IMPORT|RD)\b")
_FIELD_CODE = re.compile(rb"<w:instrText\b[^>]*>([^<]*)</w:instrText>|\bw:instr=\"([^\"]*)\"")
_SAFE_HYPERLINK = (b"http://", b"https://", b"mailto:")


def _package_problems(data: bytes) -> list[Problem]:
    """A template may reach nothing outside itself: no relationship to an outside file or address
    (images, attached templates, frames, objects), only web and e-mail hyperlinks, and no field
    that includes a picture, text or link from elsewhere."""
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return []  # reported as "not a Word document" by the lint
    problems: list[Problem] = []
    with package:
        if sum(info.file_size for info in package.infolist()) > MAX_TEMPLATE_UNPACKED:
            return [Problem("template", "the document is too large once unpacked", "template_too_large")]
        for name in package.namelist():
            if name.endswith(".rels"):
                for rel in _RELATIONSHIP.findall(package.read(name)):
                    attrs = {k.decode(): v for k, v in _ATTRIBUTE.findall(rel)}
                    if attrs.get("TargetMode", b"").lower() != b"external":
                        continue
                    target = attrs.get("Target", b"")
                    kind = attrs.get("Type", b"").rsplit(b"/", 1)[-1].decode("ascii", "replace")
                    if kind == "hyperlink" and target.lower().startswith(_SAFE_HYPERLINK):
                        continue
                    shown = target.decode("utf-8", "replace")[:80]
                    problems.append(
                        Problem(
                            name,
                            f"the document links to an outside {kind or 'file'} ({shown}); a template "
                            "may only use what is inside it",
                            "external_relationship",
                        )
                    )
            elif name.startswith("word/") and name.endswith(".xml"):
                for match in _FIELD_CODE.finditer(package.read(name)):
                    code = match.group(1) or match.group(2) or b""
                    found = _FETCHING_FIELD.search(code.upper())
                    if found:
                        problems.append(
                            Problem(
                                name,
                                f"the document has a {found.group(1).decode()} field, which fetches "
                                "from outside the document; remove it",
                                "external_field",
                            )
                        )
    return problems


_lint_results: dict[tuple[str, frozenset[str]], tuple[Problem, ...]] = {}


def _lint_once(data: bytes, known: frozenset[str]) -> tuple[Problem, ...]:
    """Lint a template once per (content, names) in this process; rendering a batch re-uses it."""
    key = (hashlib.sha256(data).hexdigest(), known)
    if key not in _lint_results:
        if len(_lint_results) > 256:
            _lint_results.clear()
        _lint_results[key] = tuple(lint_docx_template(data, known))
    return _lint_results[key]


# -- DOCX and PDF normalisation ---------------------------------------------------------------


def _pdf_date(day: date) -> str:
    return f"D:{day:%Y%m%d}000000Z"


_CREATION_DATE = re.compile(rb"/CreationDate\s*\((D:[^)]*)\)")
_TRAILER_ID = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]{32})>\s*<([0-9A-Fa-f]{32})>\s*\]")
# LibreOffice's private trailer key: an MD5 that covers the creation date, so it changes too.
_DOC_CHECKSUM = re.compile(rb"/DocChecksum\s*/([0-9A-Fa-f]{32})")


def _pdf_id(pdf_meta: PdfMeta) -> bytes:
    return bytes.fromhex(pdf_meta.document_id)[:16].ljust(16, b"\0")


def _patch_in_place(pdf: bytes, pdf_meta: PdfMeta) -> bytes | None:
    """LibreOffice's only run-to-run differences are its creation date and /ID. Overwriting them
    with values of the same length (padded with spaces) keeps every xref offset valid and costs
    nothing, where a pypdf rewrite of a tagged PDF costs 100-200 ms. None when the file is not laid
    out as expected."""
    dates, ids = list(_CREATION_DATE.finditer(pdf)), list(_TRAILER_ID.finditer(pdf))
    if len(dates) != 1 or len(ids) != 1:
        return None
    ident = _pdf_id(pdf_meta).hex().upper().encode("ascii")
    replacements = [
        (dates[0], b"/CreationDate(" + _pdf_date(pdf_meta.created).encode("ascii") + b")"),
        (ids[0], b"/ID [ <" + ident + b"> <" + ident + b"> ]"),
    ]
    out = bytearray(pdf)
    for match, new in replacements:
        old_len = match.end() - match.start()
        if len(new) > old_len:
            return None
        out[match.start() : match.end()] = new.ljust(old_len, b" ")
    checksums = list(_DOC_CHECKSUM.finditer(out))
    if len(checksums) > 1:
        return None
    for match in checksums:
        start, end = match.span(1)
        out[start:end] = b"0" * 32
        out[start:end] = hashlib.md5(bytes(out), usedforsecurity=False).hexdigest().upper().encode("ascii")
    return bytes(out)


def finish_pdf(pdf: bytes, pdf_meta: PdfMeta, producer: str) -> bytes:
    """Replace the creation date and /ID with values derived from the inputs. A LibreOffice PDF is
    patched in place (its title, author and subject come from the DOCX properties); anything else
    is rewritten with pypdf and gets the whole info dictionary from ``pdf_meta``."""
    patched = _patch_in_place(pdf, pdf_meta)
    if patched is not None:
        return patched
    try:
        reader = PdfReader(io.BytesIO(pdf))
        writer = PdfWriter(clone_from=reader)
    except Exception as exc:
        raise BadPdf(f"unreadable PDF: {exc}") from exc
    info = {
        "/Title": pdf_meta.title,
        "/Author": pdf_meta.author,
        "/Subject": pdf_meta.subject,
        "/Keywords": ", ".join(pdf_meta.keywords),
        "/Creator": "docgen",
        "/Producer": producer,
        "/CreationDate": _pdf_date(pdf_meta.created),
        "/ModDate": _pdf_date(pdf_meta.created),
    }
    writer.metadata = None
    writer.add_metadata(info)
    ident = ByteStringObject(_pdf_id(pdf_meta))
    writer._ID = ArrayObject([ident, ident])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# -- the engine -------------------------------------------------------------------------------


class DocxEngine:
    """docxtpl + LibreOffice. ``office`` defaults to the worker process's warm LibreOffice."""

    name = "docx"

    def __init__(
        self,
        settings: Settings,
        office: LibreOffice | None = None,
        replaced: Mapping[str, bytes] | None = None,
    ) -> None:
        self.settings = settings
        self._office = office
        #: template name -> the bytes of a replacement an admin put in force (from the store)
        self._replaced = dict(replaced or {})

    def with_templates(self, replaced: Mapping[str, bytes]) -> DocxEngine:
        """This engine, sharing its warm LibreOffice, reading these templates in place of the
        shipped ones of the same names. Its template hash is then the replacement's sha256."""
        if not replaced:
            return self
        return DocxEngine(self.settings, self._office, {**self._replaced, **replaced})

    @property
    def office(self) -> LibreOffice:
        if self._office is None:
            self._office = warm_libreoffice(self.settings)
        return self._office

    def template_path(self, template: str) -> Path:
        """A council's branded copy wins over the shipped template of the same name."""
        if not _SAFE_TEMPLATE_NAME.match(template):
            raise NotFound(f"bad DOCX template name {template!r}", code="unknown_template")
        root = self.settings.templates_dir
        for candidate in (
            root / "branding" / self.settings.council / "docx" / template,
            root / "docx" / template,
        ):
            if candidate.is_file():
                return candidate
        raise NotFound(f"DOCX template {template!r} not found under {root / 'docx'}", code="unknown_template")

    def template_bytes(self, template: str) -> bytes:
        if template in self._replaced:
            return self._replaced[template]
        return self.template_path(template).read_bytes()

    def template_hash(self, template: str) -> str:
        return hashlib.sha256(self.template_bytes(template)).hexdigest()

    def versions(self) -> dict[str, str]:
        office = self.office
        if not office.version:
            office.convert(_tiny_docx())  # starts LibreOffice, which reports its version
        return {
            "docxtpl": getattr(docxtpl, "__version__", "unknown"),
            "python-docx": getattr(docx, "__version__", "unknown"),
            "libreoffice": office.version,
        }

    def render_docx(self, template: str, context: Mapping[str, Any], pdf_meta: PdfMeta) -> bytes:
        """Lint and fill the template; the normalised DOCX bytes."""
        data = self.template_bytes(template)
        problems = _lint_once(data, frozenset(context))
        if problems:
            raise UnsafeTemplate(f"DOCX template {template!r} failed its checks", list(problems))
        tpl = DocxTemplate(io.BytesIO(data))
        values = {k: (_picture(tpl, v) if isinstance(v, Picture) else v) for k, v in context.items()}
        try:
            tpl.render(values, jinja_env=make_environment(), autoescape=True)
        except Exception as exc:
            # Lint passed, so this is an attribute missing from a value or a sandbox refusal.
            raise UnsafeTemplate(
                f"DOCX template {template!r} could not be filled: {type(exc).__name__}: {exc}"
            ) from exc
        props = tpl.docx.core_properties  # not get_docx(): it reloads the unfilled template
        stamp = datetime(pdf_meta.created.year, pdf_meta.created.month, pdf_meta.created.day)
        # Word's document properties hold at most 255 characters: a longer name is shortened
        # there, never on the paper itself
        props.title = _property(pdf_meta.title)
        props.author = _property(pdf_meta.author)
        props.subject = _property(pdf_meta.subject)
        props.keywords = _property(", ".join(pdf_meta.keywords))
        props.created = props.modified = stamp
        props.last_printed = stamp
        props.revision = 1
        props.last_modified_by = _property(pdf_meta.author)
        out = io.BytesIO()
        tpl.save(out)
        return normalise_zip(out.getvalue())

    def render(
        self,
        template: str,
        context: Mapping[str, Any],
        meta: PdfMeta,
        options: Mapping[str, Any] | None = None,
    ) -> RenderOutput:
        refuse_options(self.name, options, ())
        docx_bytes = self.render_docx(template, context, meta)
        pdf = self.office.convert(docx_bytes)
        producer = f"LibreOffice {self.office.version}".strip()
        return RenderOutput(pdf=finish_pdf(pdf, meta, producer), attachments={"docx": docx_bytes})

    def render_static(self, template: str, context: Mapping[str, Any], title: str, created: date) -> bytes:
        raise NotSupported("the Word engine renders no static parts; give them an html template")


PROPERTY_LIMIT = 255


def _property(text: str) -> str:
    return text if len(text) <= PROPERTY_LIMIT else text[: PROPERTY_LIMIT - 1] + "…"


def _picture(tpl: DocxTemplate, value: Picture) -> InlineImage:
    return InlineImage(tpl, io.BytesIO(value.png), width=Mm(value.width_mm))


def _tiny_docx() -> bytes:
    out = io.BytesIO()
    docx.Document().save(out)
    return out.getvalue()
