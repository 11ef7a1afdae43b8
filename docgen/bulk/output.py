"""The outputs of a bulk run: a manifest CSV and a ZIP of the PDFs, both written as results arrive.

The ZIP carries fixed timestamps and entries in case order, so the same run gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from docgen.tabular import safe_row

if TYPE_CHECKING:
    from docgen.bulk.runner import BulkItem

MANIFEST_COLUMNS = ("case_ref", "doc_type", "document_id", "version", "sha256", "status", "problem")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
_EPOCH = (1980, 1, 1, 0, 0, 0)


def entry_name(case_ref: str, doc_type: str) -> str:
    # case refs may hold '/', which would make folders inside the ZIP
    return f"{_UNSAFE.sub('_', case_ref)}/{doc_type}.pdf"


class BulkOutput:
    def __init__(self, out_dir: Path):
        out_dir.mkdir(parents=True, exist_ok=True)
        self.manifest_path = out_dir / "manifest.csv"
        self.zip_path = out_dir / "documents.zip"
        self._manifest = self.manifest_path.open("w", newline="", encoding="utf-8")
        self._writer = csv.writer(self._manifest)
        self._writer.writerow(MANIFEST_COLUMNS)
        self._zip = zipfile.ZipFile(self.zip_path, "w", compression=zipfile.ZIP_STORED)

    def add(self, item: BulkItem, pdf: bytes | None) -> None:
        self._writer.writerow(
            safe_row(
                [
                    item.case_ref,
                    item.doc_type,
                    item.document_id,
                    item.version or "",
                    item.sha256,
                    item.status,
                    item.problem,
                ]
            )
        )
        if pdf is not None:
            info = zipfile.ZipInfo(entry_name(item.case_ref, item.doc_type), date_time=_EPOCH)
            info.external_attr = 0o644 << 16
            self._zip.writestr(info, pdf)

    def close(self) -> None:
        self._manifest.close()
        self._zip.close()

    def __enter__(self) -> BulkOutput:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def read_manifest(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
