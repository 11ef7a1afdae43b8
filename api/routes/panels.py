"""Debt-panel packs: one PDF for a meeting, stored and downloaded like any document."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field

from api.deps import CurrentUserOwnTransaction, ServicesDep
from api.schemas import GeneratedPublic, VersionPublic
from docgen.services import generation

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
    """Make the pack for a meeting; unchanged cases, template and policy return the stored pack."""
    request = generation.BatchPaperRequest.of(
        "panel_pack", body.case_refs, body.as_of or date.today(), user, {"meeting": body.meeting.isoformat()}
    )
    made = await generation.generate_async(services.backend, request, services.gates)
    if not made.stored:
        response.status_code = 200
    return GeneratedPublic(stored=made.stored, version=VersionPublic.of(made.version))
