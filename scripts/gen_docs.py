"""Writes the reference documents generated from the models (docs/CASE-FORMAT.md, case.schema.json,
BUNDLE-SPEC.md, bundle-spec.schema.json, IMPORTS.md). Run after changing a model:
    .venv/bin/python scripts/gen_docs.py
"""

from __future__ import annotations

from docgen.config import PROJECT_ROOT
from docgen.reference_docs import write_all

if __name__ == "__main__":
    for path in write_all(PROJECT_ROOT / "docs"):
        print(path.relative_to(PROJECT_ROOT))
