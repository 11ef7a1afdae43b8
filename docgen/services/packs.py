"""A debt-panel pack built for a meeting: the cases (picked, or a saved list), the meeting's date
and its own agenda items, made as one job through the panel-pack service and e-mailed to the
panel's members with the pack attached."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from docgen.delivery.mail import Attachment, send_mail
from docgen.errors import DocgenError, InvalidInput, Problem
from docgen.register import unit_of_work, versions
from docgen.register.models import CaseList, Job, Role
from docgen.register.repositories import audit, users
from docgen.register.repositories import cases as cases_repo
from docgen.register.repositories import jobs as jobs_repo
from docgen.services import generation, jobs
from docgen.services.access import can_see_case, require_role
from docgen.services.auth import Principal
from docgen.services.backend import Backend
from docgen.services.papers import BatchPaperRequest

log = logging.getLogger(__name__)

TASK_PACK = "docgen.panel_pack"
KIND = "panel_pack"
BUILDERS = frozenset({Role.manager, Role.officer, Role.admin})
MAX_CASES = 200
MAX_AGENDA = 20


@dataclass(frozen=True)
class PackRequest:
    case_refs: tuple[str, ...]
    meeting: date
    agenda: tuple[str, ...] = ()
    as_of: date | None = None
    save_as: str = ""


def saved_lists(session: Session, who: Principal) -> list[CaseList]:
    require_role(who, BUILDERS, "build panel packs")
    return cases_repo.case_lists(session)


def saved_list(session: Session, who: Principal, list_id: int) -> CaseList:
    require_role(who, BUILDERS, "build panel packs")
    found = cases_repo.case_list(session, list_id)
    if found is None:
        raise InvalidInput(
            "no such list", [Problem("case_refs", "Choose a saved list from the list", "unknown_list")]
        )
    return found


def members(session: Session) -> list[tuple[str, str]]:
    """(name, e-mail) of every panel member with an address."""
    return [(u.name, u.email) for u in users.panel_members(session) if u.email]


def _check(session: Session, who: Principal, request: PackRequest, today: date) -> list[str]:
    problems: list[Problem] = []
    refs = list(dict.fromkeys(r.strip() for r in request.case_refs if r.strip()))
    if not refs:
        problems.append(Problem("case_refs", "Choose at least one case, or a saved list", "required"))
    if len(refs) > MAX_CASES:
        problems.append(Problem("case_refs", f"A pack takes at most {MAX_CASES} cases", "too_many"))
    for ref in refs:
        if cases_repo.get(session, ref) is None or not can_see_case(session, who, ref):
            problems.append(Problem("case_refs", f"There is no case {ref}", "case_not_found"))
    if request.meeting < today:
        problems.append(Problem("meeting", "The meeting date must be today or later", "in_the_past"))
    if len(request.agenda) > MAX_AGENDA or any(len(a) > 200 for a in request.agenda):
        problems.append(
            Problem(
                "agenda", f"Give at most {MAX_AGENDA} agenda items of up to 200 characters each", "too_long"
            )
        )
    name = request.save_as.strip()
    if len(name) > 120:
        problems.append(Problem("save_as", "The list's name must be 120 characters or fewer", "too_long"))
    elif name and cases_repo.case_list_named(session, name) is not None:
        problems.append(Problem("save_as", f"There is already a list called {name}", "exists"))
    if problems:
        raise InvalidInput("the pack cannot be made", problems)
    return refs


def submit(session: Session, who: Principal, request: PackRequest, today: date, send: jobs.Queue) -> Job:
    """Check the request, save the list when asked, and queue the pack as a job."""
    require_role(who, BUILDERS, "build panel packs")
    refs = _check(session, who, request, today)
    if request.save_as.strip():
        cases_repo.add_case_list(session, request.save_as.strip(), refs, who.name)
        audit.add(
            session, who.name, "case_list_save", f"case_list:{request.save_as.strip()}", {"cases": refs}
        )
    job = Job(
        id=uuid.uuid4().hex,
        kind=KIND,
        status=jobs.QUEUED,
        total=1,
        progress=0,
        request={
            "case_refs": refs,
            "meeting": request.meeting.isoformat(),
            "agenda": list(request.agenda),
            "as_of": (request.as_of or today).isoformat(),
        },
        result={"items": []},
        errors=[],
        created_by=who.name,
    )
    jobs_repo.add(session, job)
    session.commit()
    try:
        send(TASK_PACK, args=[job.id])
    except Exception as exc:
        log.exception("could not queue pack job %s", job.id)
        job.status = jobs.FAILED
        job.errors = [{"index": None, "code": "queue_unavailable", "message": str(exc), "problems": []}]
        session.commit()
        raise jobs.QueueUnavailable() from exc
    return job


def run_pack_job(backend: Backend, job_id: str) -> str | None:
    """Make the pack, store it as the meeting's version, e-mail it to the panel; always ends."""
    with unit_of_work(backend.sessions) as session:
        job = jobs_repo.get(session, job_id)
        if job is None:
            return None
        if job.status in jobs.FINISHED:
            return job.status
        job.status = jobs.RUNNING
        request = dict(job.request or {})
        actor = job.created_by

    def work() -> dict[str, Any]:
        meeting, as_of = date.fromisoformat(request["meeting"]), date.fromisoformat(request["as_of"])
        options = {"meeting": meeting.isoformat()}
        if request.get("agenda"):
            options["agenda"] = "\n".join(request["agenda"])
        paper = replace(
            BatchPaperRequest.of(KIND, request["case_refs"], as_of, Principal(actor, Role.officer), options),
            access_checked=True,
        )
        made = generation.generate(backend, paper)
        result: dict[str, Any] = {**made.as_dict(), "title": f"Debt panel pack {meeting.isoformat()}"}
        pdf = made.pdf
        with unit_of_work(backend.sessions) as session:
            to = members(session)
            if pdf is None:
                pdf = versions.fetch(
                    session, backend.store, made.version.document_id, made.version.number, actor
                )[1]
        result["emailed_to"], result["email_problem"] = _send(backend, pdf, meeting, to, actor, result)
        return result

    outcome = generation.attempt(work, f"panel pack job {job_id}", reraise=jobs.RETRYABLE)
    with unit_of_work(backend.sessions) as session:
        job = jobs_repo.get(session, job_id)
        assert job is not None
        job.progress = 1
        if isinstance(outcome, generation.ItemError):
            job.errors = [{"index": 0, **outcome.as_dict()}]
            job.status = jobs.FAILED
        else:
            job.result = {"items": [{"index": 0, **outcome}]}
            job.status = jobs.SUCCEEDED
        return job.status


def _send(
    backend: Backend,
    pdf: bytes,
    meeting: date,
    to: Sequence[tuple[str, str]],
    actor: str,
    stored: dict[str, Any],
) -> tuple[list[str], str]:
    if not to:
        return [], "no panel member has an e-mail address"
    day = f"{meeting.day} {meeting:%B %Y}"
    body = (
        f"The pack for the debt panel meeting on {day} is attached (version {stored['version']}).\n"
        "It holds personal data: keep it within the council and delete it after the meeting.\n"
    )
    try:
        send_mail(
            backend.settings,
            [address for _name, address in to],
            f"Debt panel {day}: meeting pack",
            body,
            [Attachment(f"debt-panel-{meeting.isoformat()}.pdf", pdf)],
        )
    except DocgenError as err:
        _audit(backend, actor, "panel_pack_email_failed", meeting, {"error": err.message})
        return [], err.message
    addresses = [address for _name, address in to]
    _audit(backend, actor, "panel_pack_email", meeting, {"to": addresses, "version": stored["version"]})
    return addresses, ""


def _audit(backend: Backend, actor: str, action: str, meeting: date, detail: dict[str, Any]) -> None:
    with unit_of_work(backend.sessions) as session:
        audit.add(session, actor, action, f"panel:{meeting.isoformat()}", detail)
