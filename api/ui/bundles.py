"""The bundle builder: choose a case's stored documents and PDF evidence, put each in a section
and an order, then build the bundle and keep it as a version of the case's court bundle.

The spec made here is the same ``docgen.bundles`` spec the command line reads from a file, so the
builder's checks and page layout are the same whichever way a bundle is made."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from api.deps import Services, ServicesDep, SessionDep
from api.ui.cases import case_url
from api.ui.web import AsyncFormViewerDep, UiRoute, Viewer, ViewerDep, page, see_other
from docgen.domain.case import Case
from docgen.errors import DocgenError, InvalidInput, Problem
from docgen.register.models import Upload
from docgen.services import bundle_jobs, bundles, cases, generation, jobs
from docgen.services.access import require_writer

router = APIRouter(route_class=UiRoute)

#: the usual sections of a county court bundle in a debt claim
SECTIONS = {
    "A": "Statements of case",
    "B": "Orders and judgments",
    "C": "Witness statements and evidence",
    "D": "Correspondence",
    "E": "Other documents",
}


@dataclass(frozen=True)
class Candidate:
    key: str  # the form's name for this row
    source: dict[str, Any]  # the spec's ``source``
    label: str
    description: str
    day: date
    section: str


def _candidates(session: Session, viewer: Viewer, case_ref: str) -> list[Candidate]:
    out = []
    papers, uploads = bundles.sources(session, viewer.who, case_ref)
    for document, v in papers:
        section = "D" if "letter" in document.doc_type else "A"
        out.append(
            Candidate(
                f"v{v.id}",
                {"version": {"document_id": document.id, "number": v.number}},
                f"{document.title or document.doc_type}, version {v.number} ({v.status})",
                (document.title or document.doc_type).split(" - ")[0],
                v.as_of or v.created_at.date(),
                section,
            )
        )
    for upload in uploads:
        if _is_pdf(upload):
            out.append(
                Candidate(
                    f"u{upload.id}",
                    {"upload": upload.sha256},
                    f"{upload.filename} (evidence)",
                    upload.filename.rsplit(".", 1)[0],
                    upload.created_at.date(),
                    "C",
                )
            )
    return out


def _is_pdf(upload: Upload) -> bool:
    return upload.content_type == "application/pdf" or upload.filename.lower().endswith(".pdf")


@router.get("/cases/{case_ref:path}/bundle", response_class=HTMLResponse)
def bundle_form(request: Request, session: SessionDep, viewer: ViewerDep, case_ref: str) -> HTMLResponse:
    _record, case = cases.load(session, viewer.who, case_ref)
    require_writer(viewer.who, "build bundles")
    return _form(request, session, viewer, case, {}, {})


def _form(
    request: Request,
    session: Session,
    viewer: Viewer,
    case: Case,
    values: dict[str, str],
    errors: dict[str, str],
    status: int = 200,
) -> HTMLResponse:
    return page(
        request,
        "bundle.html",
        viewer,
        status=status,
        case=case,
        sections=SECTIONS,
        candidates=_candidates(session, viewer, case.case_ref),
        values=values,
        errors=errors,
        chosen=set(values.get("include", "").split()),
    )


@router.post("/cases/{case_ref:path}/bundle", response_class=HTMLResponse)
async def build(
    request: Request, services: ServicesDep, viewer: AsyncFormViewerDep, case_ref: str
) -> Response:
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    values["include"] = " ".join(str(v) for v in form.getlist("include"))

    def choices(session: Session) -> tuple[Case, dict[str, Candidate]]:
        _record, case = cases.load(session, viewer.who, case_ref)
        require_writer(viewer.who, "build bundles")
        return case, {c.key: c for c in _candidates(session, viewer, case_ref)}

    case, candidates = await services.in_transaction(choices)
    try:
        spec = bundles.parse_spec(_spec_data(case, values, candidates), "bundle")
        wanted = generation.BundleRequest(
            case_ref, spec, viewer.who, ocr_page_limit=services.settings.bundle_job_scanned_pages
        )
        try:
            # built in the render slot by the generation corridor, like every other paper
            made = await generation.generate_async(services.backend, wanted, services.gates)
        except bundle_jobs.TooSlowHere:
            # many scanned pages to read: a worker builds it, and the job's page shows how far it is
            job_id = await services.in_transaction(lambda session: _queue(session, services, wanted))
            return see_other(f"/ui/jobs/{job_id}")
    except DocgenError as exc:
        errors, status = _errors(exc, values, candidates), exc.status
        return await services.in_transaction(
            lambda session: _form(request, session, viewer, case, values, errors, status=status)
        )
    return see_other(case_url(case_ref) + f"#doc-{made.version.document_id}")


def _queue(session: Session, services: Services, request: generation.BundleRequest) -> str:
    job = bundle_jobs.submit(session, request)
    jobs.enqueue(session, job, services.send)
    return job.id


def _spec_data(case: Case, values: dict[str, str], candidates: dict[str, Candidate]) -> dict[str, Any]:
    chosen = [candidates[k] for k in values["include"].split() if k in candidates]
    if not chosen:
        raise InvalidInput(
            "choose at least one document", [Problem("include", "Choose at least one document")]
        )
    sections: dict[str, list[dict[str, Any]]] = {}
    for c in chosen:
        letter = values.get(f"section_{c.key}", c.section)
        item: dict[str, Any] = {
            "source": c.source,
            "description": values.get(f"desc_{c.key}", c.description),
            "date": values.get(f"date_{c.key}") or c.day.isoformat(),
        }
        order = values.get(f"order_{c.key}", "").strip()
        if order:
            item["order"] = order
        sections.setdefault(letter, []).append(item)
    hearing = {"date": values["hearing_date"]} if values.get("hearing_date") else {}
    return {
        "title": values.get("title") or f"Hearing bundle {case.case_ref}",
        "case_ref": case.case_ref,
        "court": values.get("court", ""),
        "parties": {"claimant": case.creditor.name, "defendant": case.primary_debtor.display_name},
        "hearing": hearing,
        "options": {"redact": bool(values.get("redact"))},
        "sections": [
            {"letter": letter, "title": SECTIONS.get(letter, letter), "items": items}
            for letter, items in sorted(sections.items())
        ],
    }


#: pydantic's words replaced by what an officer should do
_PLAIN = {
    "order": "Enter the position as a whole number, for example 1",
    "date": "Enter a real date",
    "desc": "Enter a description of up to 300 characters",
}


def _errors(exc: DocgenError, values: dict[str, str], candidates: dict[str, Candidate]) -> dict[str, str]:
    """Each problem next to its field: spec paths are mapped back to the row they came from."""
    chosen = [k for k in values.get("include", "").split() if k in candidates]
    rows: dict[tuple[str, int], str] = {}
    by_letter: dict[str, list[str]] = {}
    for key in chosen:
        by_letter.setdefault(values.get(f"section_{key}", candidates[key].section), []).append(key)
    for index, letter in enumerate(sorted(by_letter)):
        for n, key in enumerate(by_letter[letter]):
            rows[(f"sections[{index}]", n)] = key
    out: dict[str, str] = {}
    for p in exc.problems or [Problem("include", exc.message)]:
        field = p.path.removeprefix("bundle").lstrip(".")
        if field.startswith("sections["):
            head, _, rest = field.partition(".items[")
            number, _, leaf = rest.partition("]")
            row = rows.get((head, int(number))) if number.isdigit() else None
            leaf = leaf.lstrip(".").split(".")[0]
            name = {"date": "date", "description": "desc", "order": "order"}.get(leaf, "include")
            message = _PLAIN.get(name, p.message) if name != "include" else p.message
            out.setdefault(f"{name}_{row}" if row and name != "include" else "include", message)
        elif field in {"court", "title", "include"}:
            out.setdefault(field, p.message)
        elif field.startswith("hearing"):
            out.setdefault("hearing_date", p.message)
        else:
            out.setdefault("include", f"{field}: {p.message}" if field else p.message)
    return out
