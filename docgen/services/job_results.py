"""What a job did, item by item, as every door shows it: for each case the paper made (its
version), kept unchanged (the version that stands), or refused (the reasons); and a ZIP of the
papers, each read back from the store and checked against the register's sha256."""

from __future__ import annotations

import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from typing import IO, Any

from sqlalchemy.orm import Session

from docgen.documents import registry
from docgen.errors import DocgenError, NotFound
from docgen.register import versions
from docgen.register.models import Job
from docgen.services.access import can_see_case
from docgen.services.auth import Principal
from docgen.storage import ObjectStore

FINISHED = frozenset({"succeeded", "partial", "failed"})
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class ItemResult:
    index: int
    case_ref: str
    doc_type: str
    title: str
    #: made | unchanged | refused | waiting
    state: str
    document_id: str = ""
    version: int | None = None
    message: str = ""
    reasons: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "case_ref": self.case_ref,
            "doc_type": self.doc_type,
            "title": self.title,
            "state": self.state,
            "document_id": self.document_id,
            "version": self.version,
            "message": self.message,
            "reasons": list(self.reasons),
            **self.extra,
        }


def _title(doc_type: str) -> str:
    try:
        return registry.get(doc_type).title
    except DocgenError:
        return doc_type.replace("_", " ").capitalize()


def results(job: Job) -> list[ItemResult]:
    request = job.request or {}
    done = {r.get("index"): r for r in (job.result or {}).get("items", [])}
    refused = {e.get("index"): e for e in job.errors or [] if e.get("index") is not None}
    if job.kind == "panel_pack":
        meeting = request.get("meeting", "")
        wanted = [{"case_ref": f"panel:{meeting}", "doc_type": "panel_pack"}]
    elif job.kind == "bundle":
        # one row per volume once built; one row for the bundle until then
        wanted = [{"case_ref": request.get("case_ref", ""), "doc_type": "court_bundle"}] * max(1, len(done))
    else:
        wanted = request.get("items", [])
    out = []
    for n, item in enumerate(wanted):
        title = "Debt panel pack" if item["doc_type"] == "panel_pack" else _title(item["doc_type"])
        if job.kind == "bundle":
            title = f"Court bundle, volume {n + 1}" if len(wanted) > 1 else "Court bundle"
        if n in done:
            r = done[n]
            extra = {k: r[k] for k in ("emailed_to", "email_problem") if k in r}
            out.append(
                ItemResult(
                    n,
                    item["case_ref"],
                    item["doc_type"],
                    title,
                    "made" if r.get("stored") else "unchanged",
                    r.get("document_id", ""),
                    r.get("version"),
                    extra=extra,
                )
            )
        elif n in refused:
            e = refused[n]
            reasons = tuple(
                p.get("message", "") for p in e.get("problems", []) if p.get("blocking", True)
            ) or (e.get("message", ""),)
            out.append(
                ItemResult(
                    n,
                    item["case_ref"],
                    item["doc_type"],
                    title,
                    "refused",
                    message=e.get("message", ""),
                    reasons=reasons,
                )
            )
        else:
            out.append(ItemResult(n, item["case_ref"], item["doc_type"], title, "waiting"))
    return out


def general_errors(job: Job) -> list[str]:
    """Errors that stopped the job as a whole (the queue down, the store unreachable)."""
    return [e.get("message", "") for e in job.errors or [] if e.get("index") is None]


def papers_zip(session: Session, store: ObjectStore, who: Principal, job: Job) -> IO[bytes]:
    """A ZIP of every paper the job made or kept, in the job's order, in a temporary file."""
    items = [r for r in results(job) if r.state in ("made", "unchanged") and r.version is not None]
    if job.status not in FINISHED or not items:
        raise NotFound("this job has no papers to download yet", code="no_papers")
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - the caller streams and closes it
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for r in items:
            if not r.case_ref.startswith("panel:") and not can_see_case(session, who, r.case_ref):
                continue
            _version, data = versions.fetch(session, store, r.document_id, r.version, who.name)
            name = _UNSAFE.sub("-", f"{r.index + 1:03d}-{r.case_ref}-{r.doc_type}-v{r.version}").strip("-")
            info = zipfile.ZipInfo(f"{name}.pdf", date_time=(1980, 1, 1, 0, 0, 0))
            archive.writestr(info, data)
    out.seek(0)
    return out
