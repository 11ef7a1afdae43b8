"""Court bundles from a spec naming stored versions and uploads; late documents added at the
end of the stored bundle without moving a page. Volumes download like any document."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Response
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

from api.deps import CurrentUserOwnTransaction, ServicesDep
from api.schemas import GeneratedPublic, VersionPublic
from docgen.services import bundles

router = APIRouter(tags=["bundles"])


@router.post("/cases/{case_ref:path}/bundles", status_code=201, response_model=list[GeneratedPublic])
async def make_bundle(
    services: ServicesDep,
    user: CurrentUserOwnTransaction,
    case_ref: str,
    spec: Annotated[dict[str, Any], Body(description="a bundle spec whose sources are versions or uploads")],
    response: Response,
    late: Annotated[bool, Query(description="add the spec's new items to the stored bundle")] = False,
) -> list[GeneratedPublic]:
    def gather(session: Session) -> bundles.Inputs:
        return bundles.gather(session, services.store, user, case_ref, spec, late)

    inputs = await services.in_transaction(gather)
    async with services.render_slots:
        built = await run_in_threadpool(bundles.build, inputs, services.settings)

    def save(session: Session) -> list[GeneratedPublic]:
        stored = bundles.store_volumes(session, services.store, case_ref, built, user.name, services.settings)
        return [GeneratedPublic(stored=created, version=VersionPublic.of(v)) for v, created in stored]

    answer = await services.in_transaction(save)
    if not any(a.stored for a in answer):
        response.status_code = 200
    return answer
