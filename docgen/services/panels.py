"""Debt-panel packs through the service: the cases as held now, rendered as one pack and stored
as a version under the meeting (``PANEL/<date>``), so every member downloads the same bytes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import date

from sqlalchemy.orm import Session

from docgen.config import Settings
from docgen.documents.panel import PackRendered, render_pack
from docgen.domain.case import Case
from docgen.errors import InvalidInput, Problem
from docgen.register.repositories import cases as cases_repo
from docgen.register.versions import Made, StoreResult, store_version
from docgen.render.engines import get_engine
from docgen.services.access import can_see_case, require_writer
from docgen.services.auth import Principal
from docgen.services.cases import case_of
from docgen.storage import ObjectStore

DOC_TYPE = "panel_pack"
PACK_TEMPLATES = ("panel_briefing.docx", "panel_pack_cover.docx")


def meeting_ref(meeting: date) -> str:
    return f"PANEL/{meeting.isoformat()}"


def load_cases(session: Session, who: Principal, case_refs: Sequence[str]) -> list[Case]:
    require_writer(who, "make panel packs")
    problems, cases = [], []
    for n, ref in enumerate(case_refs):
        record = cases_repo.get(session, ref)
        if record is None or not can_see_case(session, who, ref):
            problems.append(Problem(f"case_refs[{n}]", f"no case {ref!r}", "case_not_found"))
        else:
            cases.append(case_of(record))
    if problems:
        raise InvalidInput("the panel pack names cases that cannot be found", problems)
    return cases


def render(cases: Sequence[Case], meeting: date, as_of: date, settings: Settings) -> tuple[PackRendered, str]:
    """The pack, and the hash of the templates it was rendered from."""
    engine = get_engine("docx", settings)
    hashes = {name: engine.template_hash(name) for name in PACK_TEMPLATES}
    template_hash = hashlib.sha256(json.dumps(hashes, sort_keys=True).encode()).hexdigest()
    return render_pack(cases, meeting, as_of, {}, engine), template_hash


def store(
    session: Session,
    store_: ObjectStore,
    rendered: tuple[PackRendered, str],
    meeting: date,
    as_of: date,
    actor: str,
) -> StoreResult:
    pack, template_hash = rendered
    made = Made(
        case_ref=meeting_ref(meeting),
        doc_type=DOC_TYPE,
        title=f"Debt panel pack {meeting.isoformat()}",
        pdf=pack.pdf,
        input_hash=pack.input_hash,
        template_hash=template_hash,
        engine="docx",
        as_of=as_of,
        options={"page_starts": ",".join(f"{k}:{v}" for k, v in pack.page_starts.items())},
    )
    return store_version(session, store_, made, actor)
