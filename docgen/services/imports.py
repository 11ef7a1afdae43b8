"""Importing a council's CSV or XLSX export through the service: the files are read exactly as the
command line reads them (docgen.imports), then each accepted case is added through the same service
as the API's POST /cases, so the same checks apply. Reading needs no transaction; keeping does."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from docgen.imports import ImportResult, read_cases, report_dict
from docgen.register.repositories import cases as cases_repo
from docgen.services import cases
from docgen.services.access import require_writer
from docgen.services.auth import Principal

#: which uploaded file is which: the form's field -> (the file's own name, its bytes)
Uploads = Mapping[str, tuple[str, bytes]]


def read(uploads: Uploads) -> ImportResult:
    """Read ``cases_file`` (with ``debts_file`` and ``mapping_file`` when given) into cases and a
    row-by-row report of what is wrong."""
    with tempfile.TemporaryDirectory(prefix="docgen-import-") as tmp:
        paths = {}
        for field, (filename, data) in uploads.items():
            # each file in a folder of its own, so the report names it as the officer knows it
            folder = Path(tmp) / field
            folder.mkdir()
            paths[field] = folder / Path(filename).name
            paths[field].write_bytes(data)
        return read_cases(paths["cases_file"], paths.get("debts_file"), paths.get("mapping_file"))


def keep(session: Session, who: Principal, result: ImportResult, valid_only: bool) -> dict[str, Any]:
    """Add the accepted cases (all or nothing unless ``valid_only``); cases the service already holds
    are skipped. The report says what was imported and what was skipped."""
    require_writer(who, "import cases")
    report = report_dict(result)
    report["imported"], report["skipped"] = [], []
    if result.problems and not valid_only:
        report["nothing_imported"] = True
        return report
    for case in result.accepted(valid_only=True):
        if cases_repo.get(session, case.case_ref) is not None:
            report["skipped"].append(case.case_ref)
            continue
        cases.create_case(session, who, case.model_dump(mode="json", by_alias=True))
        report["imported"].append(case.case_ref)
    return report
