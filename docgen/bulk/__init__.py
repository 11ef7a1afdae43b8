"""Bulk runs: many cases, one document or a pack each, stored, registered, listed and zipped."""

from docgen.bulk.cases import CaseSource, from_cases, load_sources
from docgen.bulk.output import MANIFEST_COLUMNS, read_manifest
from docgen.bulk.runner import PACKS, BulkItem, BulkResult, Progress, expand_types, run_bulk

__all__ = [
    "MANIFEST_COLUMNS",
    "PACKS",
    "BulkItem",
    "BulkResult",
    "CaseSource",
    "Progress",
    "expand_types",
    "from_cases",
    "load_sources",
    "read_manifest",
    "run_bulk",
]
