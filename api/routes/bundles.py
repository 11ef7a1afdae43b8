"""Court bundles from a spec naming stored versions and uploads; late documents added at the
end of the stored bundle without moving a page. Volumes download like any document."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Response

from api.deps import CurrentUserOwnTransaction, ServicesDep
from api.schemas import GeneratedPublic, VersionPublic
from docgen.services import generation

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
    """One version per volume; unchanged inputs return the stored volumes (200, stored false)."""
    request = generation.BundleRequest.of(case_ref, spec, user, late)
    made = await generation.generate_async(services.backend, request, services.gates)
    if not made.stored:
        response.status_code = 200
    return [GeneratedPublic(stored=r.created, version=VersionPublic.of(r.version)) for r in made.results]
