"""The document types docgen can make."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import CurrentUser
from api.schemas import DocumentTypePublic, OptionPublic
from docgen.documents import registry
from docgen.documents.base import DocumentType

router = APIRouter(tags=["document types"])


def _public(dt: DocumentType) -> DocumentTypePublic:
    return DocumentTypePublic(
        id=dt.id,
        title=dt.title,
        family=dt.family,
        engines=list(dt.templates),
        inputs=list(dt.inputs),
        options=[OptionPublic.model_validate(o.as_dict()) for o in dt.options],
    )


@router.get("/document-types", response_model=list[DocumentTypePublic])
def list_types(_user: CurrentUser) -> list[DocumentTypePublic]:
    return [_public(dt) for dt in registry.all_types()]


@router.get("/document-types/{doc_type}", response_model=DocumentTypePublic)
def get_type(_user: CurrentUser, doc_type: str) -> DocumentTypePublic:
    return _public(registry.get(doc_type))
