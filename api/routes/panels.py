"""Debt-panel packs: one PDF for a meeting, stored and downloaded like any document."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from api.deps import CurrentUserOwnTransaction, ServicesDep
from api.schemas import GeneratedPublic, VersionPublic
from docgen.domain.case import Case
from docgen.services import panels

router = APIRouter(tags=["panel packs"])


class PanelPackCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    case_refs: list[str] = Field(min_length=1, max_length=200)
    meeting: date
    as_of: date | None = None


@router.post("/panel-packs", status_code=201, response_model=GeneratedPublic)
async def make_pack(
    services: ServicesDep, user: CurrentUserOwnTransaction, body: PanelPackCreate, response: Response
) -> GeneratedPublic:
    as_of = body.as_of or date.today()

    def load(session: Session) -> list[Case]:
        return panels.load_cases(session, user, body.case_refs)

    cases = await services.in_transaction(load)
    async with services.render_slots:
        pack = await run_in_threadpool(panels.render, cases, body.meeting, as_of, services.settings)

    def save(session: Session) -> GeneratedPublic:
        result = panels.store(session, services.store, pack, body.meeting, as_of, user.name)
        return GeneratedPublic(stored=result.created, version=VersionPublic.of(result.version))

    answer = await services.in_transaction(save)
    if not answer.stored:
        response.status_code = 200
    return answer
