"""Page-1 thumbnails of stored versions, made once by pdftoppm and kept by the PDF's sha256.

A version's bytes never change, so its sha256 names its thumbnail for good; the store is read
directly (not through the register's download, which records an audit event for every read)."""

from __future__ import annotations

import hashlib
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy.orm import Session

from docgen.errors import BadPdf, EngineUnavailable
from docgen.register.models import Version
from docgen.services import documents
from docgen.services.auth import Principal
from docgen.storage import ObjectStore

RESOLUTION = 40  # dpi: an A4 page becomes about 330 x 470 pixels
TIMEOUT = 30


def thumbnail_dir(data_dir: Path) -> Path:
    return data_dir / "thumbnails"


def page_one(
    session: Session, store: ObjectStore, who: Principal, document_id: str, number: int, data_dir: Path
) -> bytes:
    """The first page of a version the asker may see, as a small PNG."""
    return thumbnail(store, documents.version(session, who, document_id, number), data_dir)


def thumbnail(store: ObjectStore, version: Version, data_dir: Path) -> bytes:
    folder = thumbnail_dir(data_dir)
    cached = folder / f"{version.sha256}.png"
    if cached.exists():
        return cached.read_bytes()
    pdf = store.get(version.storage_key, version.storage_version_id)
    if hashlib.sha256(pdf).hexdigest() != version.sha256:
        raise BadPdf(
            f"stored bytes of document {version.document_id} v{version.number} do not match the register"
        )
    png = render_first_page(pdf)
    folder.mkdir(parents=True, exist_ok=True)
    # written beside and renamed, so a reader never sees half a file
    partial = cached.with_suffix(".part")
    partial.write_bytes(png)
    partial.replace(cached)
    return png


def render_first_page(pdf: bytes) -> bytes:
    with tempfile.TemporaryDirectory(prefix="docgen-thumb-") as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(pdf)
        try:
            subprocess.run(
                [
                    "pdftoppm",
                    "-png",
                    "-r",
                    str(RESOLUTION),
                    "-f",
                    "1",
                    "-l",
                    "1",
                    "-singlefile",
                    str(source),
                    str(Path(tmp) / "page"),
                ],
                check=True,
                capture_output=True,
                timeout=TIMEOUT,
            )
        except FileNotFoundError as exc:
            raise EngineUnavailable("pdftoppm (poppler-utils) is not installed") from exc
        except subprocess.CalledProcessError as exc:
            raise BadPdf(f"page 1 could not be drawn: {exc.stderr.decode(errors='replace')[:200]}") from exc
        return (Path(tmp) / "page.png").read_bytes()
