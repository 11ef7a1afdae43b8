"""A text layer for scanned pages: OCRmyPDF over Tesseract.

The 2021 electronic bundle guidance asks for typed pages that were not created electronically to
be text-searchable. Only pages with no text at all are read; a page that already has text (typed,
or OCR'd before) is left exactly as it was. The text is added as an invisible layer over the page,
whose image and drawing are not touched (no optimisation, no rasterising into the output).

The same input gives the same bytes: Tesseract is deterministic for a given version and language
data, and the file is rewritten afterwards with the input's own info dictionary and metadata
(OCRmyPDF stamps the time into both) and an identifier derived from the content.

OCRmyPDF runs one file at a time per process here: it is CPU-bound, the workers are already one
process per core, and its progress hook is process-wide.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Protocol

import pikepdf

log = logging.getLogger(__name__)

#: called with (pages done, pages to do) as OCR goes on
Progress = Callable[[int, int], None]

_TEXT_OPERATORS = frozenset(("Tj", "TJ", "'", '"'))
_LOCK = threading.Lock()
_PLUGIN = "docgen.pdf.ocr_progress"  # by module name, so that this very module is the one loaded


@dataclass(frozen=True)
class OcrOptions:
    languages: str = "eng+cym"
    timeout_s: float = 180.0


@dataclass(frozen=True)
class OcrResult:
    pdf: bytes
    pages_read: tuple[int, ...]  # 0-based indexes of the pages given a text layer
    warning: str = ""
    cached: bool = False  # read from the cache, not by Tesseract this time


class OcrCache(Protocol):
    """Where files already read are kept, by ``cache_key``. Neither call may raise: a cache that
    cannot answer is a cache that does not have the file."""

    def get(self, key: str) -> bytes | None: ...

    def put(self, key: str, data: bytes) -> None: ...


#: how docgen calls OCRmyPDF and settles its output (change it when either changes: old entries
#: of the cache are then never read again)
RECIPE = "docgen-ocr/1"


def _run(*args: str) -> str:
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=30, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return ""


@lru_cache(maxsize=1)
def tool_versions() -> tuple[tuple[str, str], ...]:
    """The versions of everything that decides the bytes OCR gives: OCRmyPDF, Tesseract, the
    rasteriser OCRmyPDF may use, and pikepdf (which writes the file)."""
    found = {"tesseract": (_run("tesseract", "--version").splitlines() or [""])[0].strip()}
    for package in ("ocrmypdf", "pikepdf", "pypdfium2"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = ""
    found["ghostscript"] = _run("gs", "--version").strip()
    return tuple(sorted(found.items()))


_TESSDATA = re.compile(r'"([^"]+)"')


@lru_cache(maxsize=16)
def language_data(language: str) -> str:
    """The sha256 of the language's trained data as Tesseract finds it ("" when it is not found)."""
    listing = _run("tesseract", "--list-langs").splitlines()
    folder = _TESSDATA.search(listing[0]) if listing else None
    path = Path(folder.group(1)) / f"{language}.traineddata" if folder else None
    if path is None or not path.is_file():
        return ""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cache_key(data: bytes, options: OcrOptions) -> str:
    """The key of one file's OCR: its bytes, the languages read (and their data), the tools'
    versions and the recipe. The time limit is left out: a file read within it reads the same."""
    languages = options.languages.split("+")
    payload = {
        "recipe": RECIPE,
        "input": hashlib.sha256(data).hexdigest(),
        "languages": {lang: language_data(lang) for lang in languages},
        "order": languages,
        "tools": dict(tool_versions()),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


@dataclass
class _Seen:
    text: bool = False
    image: bool = False


def _look(holder: pikepdf.Object, seen: _Seen, visited: set[tuple[int, int]], depth: int = 0) -> None:
    """Note whether ``holder``'s content (and the forms it draws) shows text or paints an image."""
    if depth > 8 or seen.text:
        return
    try:
        instructions = pikepdf.parse_content_stream(
            holder, operators=" ".join([*_TEXT_OPERATORS, "Do", "BI"])
        )
    except (pikepdf.PdfError, TypeError):
        return
    resources = holder.get("/Resources")
    xobjects = resources.get("/XObject") if isinstance(resources, pikepdf.Dictionary) else None
    for instruction in instructions:
        if str(instruction.operator) in _TEXT_OPERATORS:
            seen.text = True
            return
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            seen.image = True
            continue
        if not instruction.operands or not isinstance(xobjects, pikepdf.Dictionary):
            continue
        target = xobjects.get(str(instruction.operands[0]))
        if not isinstance(target, pikepdf.Stream):
            continue
        if target.get("/Subtype") == "/Image":
            seen.image = True
        elif target.get("/Subtype") == "/Form" and target.objgen not in visited:
            visited.add(target.objgen)
            _look(target, seen, visited, depth + 1)


def pages_without_text(pdf: pikepdf.Pdf) -> list[int]:
    """0-based indexes of the scanned pages: those that paint an image and show no text at all.

    A page with neither (a blank separator, a drawing) has nothing for OCR to read."""
    found = []
    for i, page in enumerate(pdf.pages):
        seen = _Seen()
        _look(page.obj, seen, set())
        if seen.image and not seen.text:
            found.append(i)
    return found


def scanned_pages(data: bytes, password: str | None = None) -> list[int]:
    with pikepdf.open(io.BytesIO(data), password=password or "") as pdf:
        return pages_without_text(pdf)


def ocr_pdf(
    data: bytes,
    options: OcrOptions,
    *,
    password: str | None = None,
    progress: Progress | None = None,
    cache: OcrCache | None = None,
) -> OcrResult:
    """``data`` with a text layer on every page that had none; unchanged when none needs one.

    An encrypted input is opened with ``password`` and comes back decrypted (the bundle it goes
    into is not encrypted anyway). When OCR fails, the input comes back as it was, with a warning.
    With ``cache``, a file read before (the same bytes, languages and tools) is not read again,
    and a file read now is kept there.
    """
    with pikepdf.open(io.BytesIO(data), password=password or "") as pdf:
        todo = pages_without_text(pdf)
        if not todo:
            return OcrResult(data, ())
        if pdf.is_encrypted:
            plain = io.BytesIO()
            pdf.save(plain, deterministic_id=True)
            data = plain.getvalue()
    key = cache_key(data, options) if cache is not None else ""
    if cache is not None:
        kept = cache.get(key)
        if kept is not None and _readable(kept):
            if progress is not None:
                progress(len(todo), len(todo))
            return OcrResult(kept, tuple(todo), cached=True)
    try:
        read = _run_ocrmypdf(data, todo, options, progress)
    except Exception as exc:  # OCRmyPDF raises many types; the page stays as scanned, with a warning
        log.warning("OCR failed: %r", exc)
        return OcrResult(data, (), f"the scanned pages could not be read for text ({type(exc).__name__})")
    settled = _settle(data, read)
    if cache is not None:
        cache.put(key, settled)
    return OcrResult(settled, tuple(todo))


def _readable(data: bytes) -> bool:
    """A kept file is used only when it still opens as a PDF."""
    try:
        with pikepdf.open(io.BytesIO(data)):
            return True
    except Exception:
        return False


def _reporter(progress: Progress, todo: int) -> Callable[[float], None]:
    last = -1

    def report(share: float) -> None:
        nonlocal last
        done = round(share * todo)
        if done != last:
            last = done
            progress(done, todo)

    return report


def _run_ocrmypdf(data: bytes, todo: list[int], options: OcrOptions, progress: Progress | None) -> bytes:
    import ocrmypdf

    from docgen.pdf import ocr_progress

    out = io.BytesIO()
    with _LOCK:
        ocr_progress.listener = _reporter(progress, len(todo)) if progress else None
        try:
            ocrmypdf.ocr(
                io.BytesIO(data),
                out,
                language=options.languages.split("+"),
                mode="skip",  # pages with text are not touched
                pages=",".join(str(i + 1) for i in todo),
                output_type="pdf",  # no PDF/A conversion here: that rewrites every page
                optimize=0,  # images exactly as they were
                rotate_pages=False,
                deskew=False,
                clean=False,
                jobs=1,
                use_threads=True,
                progress_bar=progress is not None,
                tesseract_timeout=options.timeout_s,
                plugins=[_PLUGIN],
            )
        finally:
            ocr_progress.listener = None
    return out.getvalue()


def _rename_ocr_layer(page: pikepdf.Page, index: int) -> None:
    """OCRmyPDF names the text layer's XObject at random; give it a name from its page number."""
    resources = page.obj.get("/Resources")
    xobjects = resources.get("/XObject") if isinstance(resources, pikepdf.Dictionary) else None
    if not isinstance(xobjects, pikepdf.Dictionary):
        return
    for count, name in enumerate(k for k in list(xobjects.keys()) if k.startswith("/OCR-")):
        fixed = f"/OCR-{index + 1}-{count + 1}"
        xobjects[fixed] = xobjects[name]
        del xobjects[name]
        contents = page.obj.get("/Contents")
        streams = [contents] if isinstance(contents, pikepdf.Stream) else list(contents or [])
        for stream in streams:
            data = stream.read_bytes()
            if name.encode() in data:
                stream.write(data.replace(name.encode(), fixed.encode()))


def _settle(original: bytes, read: bytes) -> bytes:
    """The OCR'd file with the original's info and metadata, written deterministically."""
    with pikepdf.open(io.BytesIO(original)) as src, pikepdf.open(io.BytesIO(read)) as pdf:
        info = src.trailer.get("/Info")
        if isinstance(info, pikepdf.Dictionary):
            holder = info if info.is_indirect else src.make_indirect(info)
            pdf.trailer[pikepdf.Name.Info] = pdf.copy_foreign(holder)
        elif "/Info" in pdf.trailer:
            del pdf.trailer["/Info"]
        for n, page in enumerate(pdf.pages):
            _rename_ocr_layer(page, n)
        # qpdf keeps the first half of an existing /ID; OCRmyPDF's is random, the input's is not
        if "/ID" in src.trailer:
            pdf.trailer[pikepdf.Name.ID] = pikepdf.Array(list(src.trailer.ID))
        elif "/ID" in pdf.trailer:
            del pdf.trailer["/ID"]
        for key in ("/Metadata", "/Lang"):
            if key in src.Root:
                value = src.Root[key]
                pdf.Root[key] = pdf.copy_foreign(value) if value.is_indirect else value
            elif key in pdf.Root:
                del pdf.Root[key]
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return out.getvalue()
