"""The ``official`` engine: fills an official HMCTS PDF form from a field map.

Each form has a folder ``forms/<id>/`` holding ``spec.json`` (which official PDF, pinned by sha256,
with its field names, source and licence), ``fieldmap.json`` (logical name -> PDF field) and the
official PDF itself, shipped unchanged under the Open Government Licence (forms/OFFICIAL-FORMS.md).
A deployment may point ``settings.official_forms_dir`` at a copy of its own. Either way this engine
refuses to fill anything that is not byte-for-byte the pinned version, because a field map laid over
a different revision of a court form puts values in the wrong boxes without any error.

Appearance streams are generated here (NeedAppearances is false), so values show in every viewer,
including those that ignore form fields. Each widget's appearance dictionaries are kept direct
objects: poppler looks a state up in ``/AP /N`` without resolving a reference, so a tick whose
``/N`` is an indirect dictionary (as in the HMCTS files) shows in MuPDF and Acrobat but not in
poppler. Text is wrapped and, where needed, shrunk to fit its box; text that cannot fit at the
smallest legible size is refused rather than clipped.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any, cast

import pypdf
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    StreamObject,
    TextStringObject,
)
from pypdf.generic._font import Font  # the font model pypdf draws appearances with; we measure with it

from docgen.config import Settings
from docgen.errors import EngineUnavailable, InvalidInput, NotSupported, Problem
from docgen.render.base import PdfMeta, RenderOutput, refuse_options

MIN_FONT_SIZE = 6.0
FONT_SIZE_STEP = 0.5
STRIKE_TEXT = "XXXXXXXX"
FALLBACK_FONT = "/Helvetica"  # used when a field's /DA names a font the form does not define
# pypdf starts a multi-line box's first line flush with the box top; several HMCTS boxes reach
# above their printed frame, so the first line would cross the frame's rule.
MULTILINE_TOP_PAD = 2.5
_FIRST_TD = re.compile(rb"(BT\n[^\n]*\n)(-?[\d.]+) (-?[\d.]+) Td")
_DA_FONT = re.compile(r"/([^\s/]+)\s+([\d.]+)\s+Tf")
_MULTILINE = 1 << 12
_COMB = 1 << 24
_PUSHBUTTON = 1 << 16


# ---------------------------------------------------------------- form spec and field map


@contextmanager
def _pypdf_quiet() -> Iterator[None]:
    """Keep pypdf's repair notices about the official PDFs' cross-reference tables (the HMCTS files
    carry a few wrong offsets, which pypdf reads past) out of every fill's log."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


@dataclass(frozen=True)
class FormSpec:
    id: str
    form: str
    version: str
    title: str
    file: str
    source: str
    sha256: str
    pages: int
    field_count: int
    fields: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.form} ({self.version})"


@dataclass(frozen=True)
class FieldRule:
    """How one logical value reaches the PDF. ``type`` is one of:
    text, money, date (one field, or day/month/year fields), checkbox (bool),
    choice (one of a group of checkboxes is ticked), strike (the boxes of the options
    *not* chosen are overtyped with X, as the form instructs)."""

    name: str
    type: str
    pdf: str | dict[str, str] = ""
    on: str = ""
    options: dict[str, dict[str, str]] = field(default_factory=dict)
    prefix: str = ""
    format: str = ""
    label: str = ""
    page: int = 0

    def pdf_names(self) -> list[str]:
        if self.options:
            return [opt["pdf"] for opt in self.options.values()]
        if isinstance(self.pdf, dict):
            return list(self.pdf.values())
        return [self.pdf]


@dataclass(frozen=True)
class FormMap:
    spec: FormSpec
    rules: dict[str, FieldRule]
    map_bytes: bytes


_RULE_TYPES = {"text", "money", "date", "checkbox", "choice", "strike"}


@lru_cache(maxsize=32)
def load_form(forms_dir: Path, form_id: str) -> FormMap:
    """Read and cross-check ``forms/<form_id>/spec.json`` and ``fieldmap.json``."""
    folder = forms_dir / form_id
    if not re.fullmatch(r"[a-z0-9_-]+", form_id) or not (folder / "fieldmap.json").is_file():
        raise EngineUnavailable(f"no official form '{form_id}': {folder / 'fieldmap.json'} not found")
    raw_spec = json.loads((folder / "spec.json").read_text(encoding="utf-8"))
    map_bytes = (folder / "fieldmap.json").read_bytes()
    raw_map = json.loads(map_bytes)
    spec = FormSpec(
        id=raw_spec["id"],
        form=raw_spec["form"],
        version=raw_spec["version"],
        title=raw_spec["title"],
        file=raw_spec["file"],
        source=raw_spec["source"],
        sha256=raw_spec["sha256"],
        pages=raw_spec["pages"],
        field_count=raw_spec["field_count"],
        fields=tuple(f["name"] for f in raw_spec["fields"]),
    )
    rules: dict[str, FieldRule] = {}
    for name, r in raw_map["fields"].items():
        rule = FieldRule(
            name=name,
            type=r["type"],
            pdf=r.get("pdf", ""),
            on=r.get("on", ""),
            options=r.get("options", {}),
            prefix=r.get("prefix", ""),
            format=r.get("format", ""),
            label=r.get("label", ""),
            page=r.get("page", 0),
        )
        if rule.type not in _RULE_TYPES:
            raise ValueError(f"{folder / 'fieldmap.json'}: {name}: unknown type {rule.type!r}")
        unknown = [p for p in rule.pdf_names() if p not in spec.fields]
        if unknown:
            raise ValueError(f"{folder / 'fieldmap.json'}: {name}: not fields of {spec.file}: {unknown}")
        rules[name] = rule
    return FormMap(spec=spec, rules=rules, map_bytes=map_bytes)


# ---------------------------------------------------------------- context -> PDF values


@dataclass(frozen=True)
class _Text:
    value: str
    logical: str


@dataclass(frozen=True)
class _Tick:
    state: str  # the on-state name (e.g. "/Yes") or "/Off"
    logical: str


def _money(value: Any, prefix: str) -> str:
    if isinstance(value, (bool, float)):
        raise ValueError("must be a Decimal amount (a float cannot hold money exactly)")
    try:
        amount = Decimal(value) if isinstance(value, (int, str, Decimal)) else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise ValueError(f"is not an amount of money: {value!r}")
    if amount < 0:
        raise ValueError(f"must not be negative: {value!r}")
    return f"{prefix}{amount.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f}"


def _date(value: Any) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"is not a date (YYYY-MM-DD): {value!r}")


def _text(value: Any, fmt: str) -> str:
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        value = "\n".join(v for v in value if v)
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):  # e.g. an interest rate
        value = str(value)
    if not isinstance(value, str):
        raise ValueError(f"must be text, got {type(value).__name__}")
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    if fmt == "postcode":
        value = value.replace(" ", "").upper()
    return value


def _values_for(rule: FieldRule, value: Any) -> dict[str, _Text | _Tick]:
    name = rule.name
    if rule.type == "text":
        return {cast(str, rule.pdf): _Text(_text(value, rule.format), name)}
    if rule.type == "money":
        return {cast(str, rule.pdf): _Text(_money(value, rule.prefix), name)}
    if rule.type == "date":
        d = _date(value)
        if isinstance(rule.pdf, dict):
            parts = {"day": f"{d.day:02d}", "month": f"{d.month:02d}", "year": f"{d.year:04d}"}
            return {pdf: _Text(parts[part], name) for part, pdf in rule.pdf.items()}
        return {rule.pdf: _Text(d.strftime(rule.format or "%d/%m/%Y"), name)}
    if rule.type == "checkbox":
        if not isinstance(value, bool):
            raise ValueError("must be true or false")
        return {cast(str, rule.pdf): _Tick(rule.on if value else "/Off", name)}
    if not isinstance(value, str) or value not in rule.options:
        raise ValueError(f"must be one of {', '.join(sorted(rule.options))}, got {value!r}")
    if rule.type == "choice":
        return {
            opt["pdf"]: _Tick(opt["on"] if key == value else "/Off", name)
            for key, opt in rule.options.items()
        }
    # strike: the form asks the signer to overtype the roles that do not apply
    return {opt["pdf"]: _Text(STRIKE_TEXT, name) for key, opt in rule.options.items() if key != value}


def resolve_context(form: FormMap, context: Mapping[str, Any]) -> dict[str, _Text | _Tick]:
    """Logical values -> PDF field values. Every problem is collected, then raised together."""
    problems: list[Problem] = []
    values: dict[str, _Text | _Tick] = {}
    for key in sorted(context):
        rule = form.rules.get(key)
        if rule is None:
            problems.append(Problem(key, f"is not a field of {form.spec.label}", code="unknown_field"))
            continue
        if context[key] is None:
            continue
        try:
            values.update(_values_for(rule, context[key]))
        except ValueError as exc:
            problems.append(Problem(key, str(exc)))
    if problems:
        raise InvalidInput(f"cannot fill {form.spec.label}", problems)
    return values


# ---------------------------------------------------------------- fitting text into boxes


def _wrap(text: str, font: Font, size: float, width: float) -> list[str]:
    def w(s: str) -> float:
        return font.get_text_width(s) * size / 1000

    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if w(candidate) <= width or (not line and w(word) <= width):
                line = candidate
                continue
            if line:
                lines.append(line)
            line = ""
            while w(word) > width and len(word) > 1:  # a word wider than the box breaks anywhere
                cut = 1
                while cut < len(word) - 1 and w(word[: cut + 1]) <= width:
                    cut += 1
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return lines


@dataclass(frozen=True)
class _Box:
    width: float
    height: float
    multiline: bool
    max_len: int | None
    font_name: str
    font: Font
    font_size: float


def _fit(text: str, box: _Box) -> tuple[str, float] | str:
    """Return (text as drawn, font size), or a reason it cannot fit."""
    if not box.font.can_encode(text):
        bad = sorted({c for c in text if not box.font.can_encode(c)})
        return f"contains characters the form's font cannot show: {''.join(bad)!r}"
    if box.max_len is not None and len(text) > box.max_len:
        return f"is longer than the {box.max_len} characters the box takes"
    if not box.multiline and "\n" in text:
        return "is one line on the form; it cannot hold line breaks"
    bbox = box.font.font_descriptor.bbox
    leading = (bbox[3] - bbox[1]) / 1000
    size = box.font_size or 10.0
    while size >= MIN_FONT_SIZE:
        if box.multiline:
            lines = _wrap(text, box.font, size, box.width)
            if size + (len(lines) - 1) * leading * size <= box.height - MULTILINE_TOP_PAD:
                return "\n".join(lines), size
        elif box.max_len is not None or box.font.get_text_width(text) * size / 1000 <= box.width:
            return text, size
        size -= FONT_SIZE_STEP
    return f"is too long for its box on the form, even at {MIN_FONT_SIZE:g} pt"


@lru_cache(maxsize=8)
def _core_font(name: str) -> Font:
    """One of the standard 14 fonts, measured from pypdf's tables: built once per process, since
    building it decodes the font's whole encoding and most of a form's fields fall back to it."""
    return Font.from_core_font_name(name)


def _box_for(
    annotation: DictionaryObject, acro_form: DictionaryObject, fonts: dict[str, Font] | None = None
) -> _Box:
    """The box a widget's text must fit; ``fonts`` keeps the form's own fonts met so far in one fill."""
    rect = [float(x) for x in cast(ArrayObject, annotation["/Rect"])]
    width, height = abs(rect[2] - rect[0]), abs(rect[3] - rect[1])
    # Same inner margins pypdf uses when it draws the appearance.
    mk = annotation.get("/MK")
    has_border = isinstance(mk, DictionaryObject) and bool(mk.get("/BC"))
    bs = annotation.get("/BS")
    border = float(cast(DictionaryObject, bs).get("/W", 1)) if isinstance(bs, DictionaryObject) else 1.0
    style = cast(DictionaryObject, bs).get("/S") if isinstance(bs, DictionaryObject) else None
    margin = border * (2 if style in ("/B", "/I") else 1) if has_border else 0.0
    da = str(annotation.get_inherited("/DA", acro_form.get("/DA", "/Helv 0 Tf 0 g")))
    match = _DA_FONT.search(da)
    font_name, font_size = (f"/{match[1]}", float(match[2])) if match else (FALLBACK_FONT, 0.0)
    dr_fonts = cast(DictionaryObject, acro_form.get("/DR", DictionaryObject())).get(
        "/Font", DictionaryObject()
    )
    if font_name in dr_fonts:
        known = None if fonts is None else fonts.get(font_name)
        font = known or Font.from_font_resource(cast(DictionaryObject, dr_fonts[font_name]))
        if fonts is not None:
            fonts[font_name] = font
    else:
        font_name, font = FALLBACK_FONT, _core_font(FALLBACK_FONT)
    flags = int(annotation.get_inherited("/Ff", 0))
    max_len = annotation.get_inherited("/MaxLen", None)
    return _Box(
        width=width - 4 * max(margin, 1) - 1,  # 1 pt spare so rounding never clips the last glyph
        height=height - 2 * margin,
        multiline=bool(flags & _MULTILINE) and not flags & _COMB,
        max_len=int(max_len) if max_len is not None else None,
        font_name=font_name,
        font=font,
        font_size=font_size,
    )


# ---------------------------------------------------------------- planning a fill


@dataclass
class _FillPlan:
    updates: list[dict[str, Any]]  # per page: PDF field name -> value for pypdf
    wrapped: list[tuple[DictionaryObject, str]] = field(default_factory=list)
    multiline: list[DictionaryObject] = field(default_factory=list)


def _lower_first_line(m: re.Match[bytes]) -> bytes:
    return m[1] + m[2] + f" {float(m[3]) - MULTILINE_TOP_PAD:.3f} Td".encode()


def _plan_fill(
    writer: PdfWriter, form: FormMap, values: dict[str, _Text | _Tick], flatten: bool
) -> _FillPlan:
    """Decide every widget's value, font size and wrapping before touching the document, so
    that a value that does not fit leaves nothing half-filled."""
    acro_form = cast(DictionaryObject, writer._root_object["/AcroForm"])
    plan = _FillPlan(updates=[])
    problems: list[Problem] = []
    fonts: dict[str, Font] = {}
    for page_no, page in enumerate(writer.pages, start=1):
        updates: dict[str, Any] = {}
        plan.updates.append(updates)
        for ref in cast(ArrayObject, page.get("/Annots", ArrayObject())):
            annot = cast(DictionaryObject, ref.get_object())
            if annot.get("/Subtype") != "/Widget":
                continue
            name = str(annot.get("/T", ""))
            kind = annot.get_inherited("/FT", None)
            value = values.get(name)
            if kind == "/Btn" and not int(annot.get_inherited("/Ff", 0)) & _PUSHBUTTON:
                state = value.state if isinstance(value, _Tick) else "/Off"
                states = cast(DictionaryObject, cast(DictionaryObject, annot["/AP"])["/N"])
                if state != "/Off" and state not in states:
                    raise EngineUnavailable(
                        f"{form.spec.file}: field '{name}' has no state {state} (has {list(states)}): "
                        f"forms/{form.spec.id}/fieldmap.json does not match the form"
                    )
                if value is not None or flatten:
                    updates[name] = state
            elif kind == "/Tx":
                box = _box_for(annot, acro_form, fonts)
                if not isinstance(value, _Text):
                    if flatten:  # the box's border and background live in its appearance
                        updates[name] = ("", box.font_name, box.font_size)
                    continue
                fitted = _fit(value.value, box)
                if isinstance(fitted, str):
                    problems.append(Problem(value.logical, f"{fitted} ({name}, page {page_no})"))
                    continue
                drawn, size = fitted
                updates[name] = (drawn, box.font_name, size)
                if box.multiline:
                    plan.multiline.append(annot)
                if drawn != value.value:
                    plan.wrapped.append((annot, value.value))
            # push buttons (reset / print) carry no value; flattening drops them
    if problems:
        raise InvalidInput(f"cannot fill {form.spec.label}", problems)
    return plan


def _direct_appearance_states(writer: PdfWriter) -> None:
    """Make each widget's ``/AP /N``, ``/D`` and ``/R`` state dictionaries direct objects.

    PDF allows them to be indirect, but poppler (pdftoppm, Evince, many print paths) looks the
    state up without resolving the reference and then draws nothing: a ticked box prints empty."""
    for page in writer.pages:
        for ref in cast(ArrayObject, page.get("/Annots", ArrayObject())):
            annot = cast(DictionaryObject, ref.get_object())
            if annot.get("/Subtype") != "/Widget" or "/AP" not in annot:
                continue
            raw_ap = annot.raw_get("/AP")
            ap = cast(DictionaryObject, raw_ap.get_object())
            if isinstance(raw_ap, IndirectObject):  # a private copy, so no other widget changes with it
                ap = DictionaryObject(ap)
                annot[NameObject("/AP")] = ap
            for key in ("/N", "/D", "/R"):
                raw = ap.raw_get(key) if key in ap else None
                if isinstance(raw, IndirectObject):
                    target = raw.get_object()
                    if isinstance(target, DictionaryObject) and not isinstance(target, StreamObject):
                        ap[NameObject(key)] = DictionaryObject(target)


# ---------------------------------------------------------------- the engine


def _pdf_date(d: date) -> str:
    return f"D:{d:%Y%m%d}000000Z"


def _file_id(document_id: str) -> bytes:
    try:
        raw = bytes.fromhex(document_id)
    except ValueError:
        raw = b""
    return raw[:16] if len(raw) >= 16 else hashlib.sha256(document_id.encode()).digest()[:16]


class AcroformEngine:
    """Fill official court PDFs. ``template`` is the form id (a folder under forms/), the context
    holds the form's logical field names (forms/<id>/FIELDS.md). ``flatten`` (per engine, or per
    call) turns the filled fields into page content and removes the form."""

    name = "official"

    def __init__(self, settings: Settings, *, flatten: bool = False) -> None:
        self.forms_dir = settings.forms_dir
        self.official_forms_dir = settings.official_forms_dir
        self.flatten = flatten
        self._readers: dict[str, PdfReader] = {}
        self._lock = threading.Lock()

    # -- Engine protocol

    def template_hash(self, template: str) -> str:
        # The pinned sha256 stands for the official PDF: render() refuses any other file.
        form = load_form(self.forms_dir, template)
        return hashlib.sha256(form.spec.sha256.encode() + b"\n" + form.map_bytes).hexdigest()

    def versions(self) -> dict[str, str]:
        """pypdf and the pinned version of every official form this engine can fill."""
        found = {"pypdf": pypdf.__version__}
        for fieldmap in sorted(self.forms_dir.glob("*/fieldmap.json")):
            spec = load_form(self.forms_dir, fieldmap.parent.name).spec
            found[spec.form] = spec.version
        return found

    def form_version(self, template: str) -> str:
        return load_form(self.forms_dir, template).spec.label

    def render(
        self,
        template: str,
        context: Mapping[str, Any],
        meta: PdfMeta,
        options: Mapping[str, Any] | None = None,
    ) -> RenderOutput:
        refuse_options(self.name, options, ("flatten",))
        flatten = (options or {}).get("flatten")
        form = load_form(self.forms_dir, template)
        values = resolve_context(form, context)
        reader = self._verified_reader(form.spec)
        with self._lock, _pypdf_quiet():  # a shared reader reads its stream lazily while being cloned
            writer = PdfWriter(clone_from=reader)
        # Reader Extensions (UR3) signature: any rewrite invalidates it and Acrobat then warns.
        cast(DictionaryObject, writer._root_object).pop(NameObject("/Perms"), None)
        self._fill(writer, form, values, self.flatten if flatten is None else flatten)
        self._set_identity(writer, form.spec, meta)
        out = BytesIO()
        writer.write(out)
        return RenderOutput(pdf=out.getvalue())

    def render_static(self, template: str, context: Mapping[str, Any], title: str, created: date) -> bytes:
        raise NotSupported("the official-form engine fills forms only; it renders no static parts")

    # -- steps

    def _verified_reader(self, spec: FormSpec) -> PdfReader:
        """The official PDF, checked on every call (a file swapped underneath is caught) but
        parsed once per process: parsing is most of the cost of a fill."""
        data = self._official_pdf(spec)
        with self._lock:
            reader = self._readers.get(spec.sha256)
            if reader is None:
                with _pypdf_quiet():
                    reader = PdfReader(BytesIO(data), strict=False)
                    self._check_fields(spec, reader)
                self._readers[spec.sha256] = reader
        return reader

    def official_path(self, spec: FormSpec) -> Path:
        """The shipped copy beside the field map, or the deployment's own when it names a folder."""
        if self.official_forms_dir is not None:
            return self.official_forms_dir / spec.file
        return self.forms_dir / spec.id / spec.file

    def _official_pdf(self, spec: FormSpec) -> bytes:
        path = self.official_path(spec)
        where = (
            f"DOCGEN_OFFICIAL_FORMS_DIR ({self.official_forms_dir})"
            if self.official_forms_dir is not None
            else f"the project's forms folder ({path.parent})"
        )
        if not path.is_file():
            raise EngineUnavailable(
                f"{spec.file} not found in {where}: install {spec.label} from {spec.source}"
            )
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest != spec.sha256:
            raise EngineUnavailable(
                f"{spec.file} is not version {spec.version} (sha256 {digest[:12]}…, expected "
                f"{spec.sha256[:12]}…): install {spec.label} from {spec.source} in {where}",
                code="form_version_mismatch",
            )
        return data

    @staticmethod
    def _check_fields(spec: FormSpec, reader: PdfReader) -> None:
        names = set((reader.get_fields() or {}).keys())
        if names != set(spec.fields):
            missing = sorted(set(spec.fields) - names)
            extra = sorted(names - set(spec.fields))
            raise EngineUnavailable(
                f"{spec.file} is not version {spec.version}: its fields differ "
                f"(missing {missing[:5]}, unexpected {extra[:5]})",
                code="form_version_mismatch",
            )

    def _fill(
        self, writer: PdfWriter, form: FormMap, values: dict[str, _Text | _Tick], flatten: bool
    ) -> None:
        plan = _plan_fill(writer, form, values, flatten)
        for page, updates in zip(writer.pages, plan.updates, strict=True):
            if updates:
                writer.update_page_form_field_values(page, updates, auto_regenerate=False, flatten=flatten)
        for annot in plan.multiline:  # a flattened page draws this same stream object: one edit serves both
            stream = cast(StreamObject, cast(DictionaryObject, annot["/AP"])["/N"].get_object())
            stream.set_data(_FIRST_TD.sub(_lower_first_line, stream.get_data(), count=1))
        # The appearance shows the wrapped lines; the field keeps the value as given.
        for annot, text in plan.wrapped:
            annot[NameObject("/V")] = TextStringObject(text)
        writer.set_need_appearances_writer(False)
        _direct_appearance_states(writer)
        if flatten:
            self._remove_form(writer)
            # pypdf merges each flattened field into a fresh copy of the page content, leaving
            # the earlier copies behind uncompressed: drop them and compress what remains.
            writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
            for page in writer.pages:
                page.compress_content_streams()

    @staticmethod
    def _remove_form(writer: PdfWriter) -> None:
        for page in writer.pages:
            annots = page.get("/Annots")
            if annots is None:
                continue
            kept = ArrayObject(
                a for a in cast(ArrayObject, annots) if a.get_object().get("/Subtype") != "/Widget"
            )
            if kept:
                page[NameObject("/Annots")] = kept
            else:
                del page[NameObject("/Annots")]
        root = cast(DictionaryObject, writer._root_object)
        root.pop(NameObject("/AcroForm"), None)

    @staticmethod
    def _set_identity(writer: PdfWriter, spec: FormSpec, meta: PdfMeta) -> None:
        stamp = _pdf_date(meta.created)
        info = {
            "/Title": meta.title or spec.title,
            "/Subject": meta.subject or f"{spec.form} {spec.title} ({spec.version})",
            "/Author": meta.author,
            "/Keywords": ", ".join(meta.keywords),
            "/Creator": "docgen",
            "/Producer": f"docgen (pypdf {pypdf.__version__}; {spec.file} {spec.version})",
            "/CreationDate": stamp,
            "/ModDate": stamp,
        }
        writer._info = None  # drop the form designer's info entries rather than mix them with ours
        writer.add_metadata({k: v for k, v in info.items() if v})
        file_id = ByteStringObject(_file_id(meta.document_id))
        writer._ID = ArrayObject([file_id, file_id])
        root = cast(DictionaryObject, writer._root_object)
        root[NameObject("/Lang")] = TextStringObject(meta.language)
        # The form's XMP packet describes the blank form; viewers prefer it to the info dictionary.
        root.pop(NameObject("/Metadata"), None)
