"""Write-off batches: the schedule of a list of cases for finance, and the report to the Executive
for the cases above the delegated limit, stored and downloaded like any document."""

from __future__ import annotations

from datetime import date
from typing import Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field

from api.deps import CurrentUserOwnTransaction, ServicesDep
from api.schemas import GeneratedPublic, VersionPublic
from docgen.services import generation

router = APIRouter(tags=["write-off batches"])


class WriteOffItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    case_ref: str = Field(max_length=40)
    reason: str = Field(max_length=64)
    evidence: str = Field(default="", max_length=2000)


class WriteOffBatchCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    paper: Literal["write_off_schedule", "committee_write_off_report"] = "write_off_schedule"
    items: list[WriteOffItem] = Field(min_length=1, max_length=2000)
    as_of: date | None = None
    policy: str | None = Field(default=None, max_length=64)


@router.post("/write-off-batches", status_code=201, response_model=GeneratedPublic)
async def make_batch(
    services: ServicesDep, user: CurrentUserOwnTransaction, body: WriteOffBatchCreate, response: Response
) -> GeneratedPublic:
    """Make the schedule (PDF, with its DOCX and XLSX) or the committee report for these cases;
    the same cases, reasons, template and policy return the stored paper (200, stored false)."""
    request = generation.BatchPaperRequest.of(
        body.paper,
        [i.case_ref for i in body.items],
        body.as_of or date.today(),
        user,
        {"policy": body.policy} if body.policy else {},
        [{"reason": i.reason, **({"evidence": i.evidence} if i.evidence else {})} for i in body.items],
    )
    made = await generation.generate_async(services.backend, request, services.gates)
    if not made.stored:
        response.status_code = 200
    return GeneratedPublic(stored=made.stored, version=VersionPublic.of(made.version))
