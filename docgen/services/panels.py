"""Debt-panel packs through the service: the cases as held now, rendered as one pack and stored
as a version under the meeting (``PANEL/<date>``), so every member downloads the same bytes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy.orm import Session

from docgen.config import Settings
from docgen.documents.panel import PackRendered, render_pack
from docgen.domain.case import Case
from docgen.errors import InvalidInput, Problem
from docgen.register.service import StoreResult, store_version
from docgen.render.engines import get_engine
from docgen.services import repository as repo
from docgen.services.access import can_see_case, require_writer
from docgen.services.auth import Principal
from docgen.services.cases import case_of
from docgen.storage import ObjectStore

DOC_TYPE = "panel_pack"


def meeting_ref(meeting: date) -> str:
    return f"PANEL/{meeting.isoformat()}"


def load_cases(session: Session, who: Principal, case_refs: Sequence[str]) -> list[Case]:
    require_writer(who, "make panel packs")
    problems, cases = [], []
    for n, ref in enumerate(case_refs):
        record = repo.get_case(session, ref)
        if record is None or not can_see_case(session, who, ref):
            problems.append(Problem(f"case_refs[{n}]", f"no case {ref!r}", "case_not_found"))
        else:
            cases.append(case_of(record))
    if problems:
        raise InvalidInput("the panel pack names cases that cannot be found", problems)
    return cases


def render(cases: Sequence[Case], meeting: date, as_of: date, settings: Settings) -> PackRendered:
    return render_pack(cases, meeting, as_of, {}, get_engine("docx", settings))


def store(
    session: Session, store_: ObjectStore, pack: PackRendered, meeting: date, as_of: date, actor: str
) -> StoreResult:
    return store_version(
        session,
        store_,
        case_ref=meeting_ref(meeting),
        doc_type=DOC_TYPE,
        title=f"Debt panel pack {meeting.isoformat()}",
        pdf=pack.pdf,
        input_hash=pack.input_hash,
        engine="docx",
        as_of=as_of,
        options={"page_starts": ",".join(f"{k}:{v}" for k, v in pack.page_starts.items())},
        actor=actor,
    )
