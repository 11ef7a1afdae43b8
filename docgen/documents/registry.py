"""The registry of document types. A family module registers its types with ``@register``."""

from __future__ import annotations

import importlib
from typing import TypeVar

from docgen.documents.base import DocumentType
from docgen.errors import NotFound

FAMILY_MODULES = [
    "docgen.documents.claims",
    "docgen.documents.enforcement",
    "docgen.documents.insolvency",
    "docgen.documents.writeoff",
    "docgen.documents.panel",
    "docgen.documents.bulk_claims",
]

T = TypeVar("T", bound=type[DocumentType])

_TYPES: dict[str, DocumentType] = {}
_loaded = False


def register(cls: T) -> T:
    if cls.id in _TYPES:
        raise ValueError(f"document type {cls.id!r} registered twice")
    _TYPES[cls.id] = cls()
    return cls


def _load() -> None:
    """Import every family module. A module that does not import is a broken install, not a
    smaller catalogue: the error names the module and stops the caller."""
    global _loaded
    if _loaded:
        return
    for name in FAMILY_MODULES:
        try:
            importlib.import_module(name)
        except Exception as exc:
            raise RuntimeError(f"document family {name} does not import: {exc}") from exc
    _loaded = True


def get(doc_type: str) -> DocumentType:
    _load()
    try:
        return _TYPES[doc_type]
    except KeyError:
        known = ", ".join(sorted(_TYPES))
        raise NotFound(
            f"unknown document type {doc_type!r} (known: {known})", code="unknown_doctype"
        ) from None


def all_types() -> list[DocumentType]:
    _load()
    return [_TYPES[k] for k in sorted(_TYPES)]
