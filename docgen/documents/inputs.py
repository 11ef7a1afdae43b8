"""What a paper is made from, and the one recipe that turns it into the paper's input hash.

Every input hash, of a one-case paper or of a batch, is made here, from: what was asked for (the
document type), the case or cases it speaks of (their content hashes, with what the officer said
about each), the options, the date the paper speaks at, the engine, the hash of the template(s) it
is rendered from, and its declared extras (the digest of a policy in force, the sha256 of stored
versions it exhibits). The template hash is required: a paper whose template changed is a new
version, and no caller can leave that out. The register compares input hashes to decide that a
request is unchanged, so the same inputs must always give the same hash and any change another.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class StoredWanted:
    """A stored version a paper declares as one of its inputs, chosen by the corridor from the
    register: the newest version of ``doc_type`` issued on or before ``on``, else the newest made
    for ``on`` itself. ``attach`` appends its exact bytes after the paper's own pages."""

    name: str
    doc_type: str
    on: date
    attach: bool = True
    #: what the officer should do when the register holds no such version
    missing: str = ""


@dataclass(frozen=True)
class StoredInput:
    """The exact bytes of a stored version a paper is made from, checked against the register."""

    name: str
    document_id: str
    number: int
    sha256: str
    pdf: bytes = b""
    attach: bool = True

    @property
    def reference(self) -> str:
        return f"{self.document_id}/v{self.number}"


def input_hash(
    *,
    doc_type: str,
    subjects: str | Sequence[str],
    options: Mapping[str, str],
    as_of: date | None,
    engine: str,
    template_hash: str,
    extras: Mapping[str, str] | None = None,
    stored: Mapping[str, StoredInput] | None = None,
    finish: str = "",
) -> str:
    """The input hash. ``subjects`` is the case's content hash for a one-case paper, or the list of
    entry hashes (``entry_hash``) of a batch, in the batch's order. ``stored`` versions enter by their
    sha256, so a paper exhibiting another stored version is a new version when that one is."""
    if not template_hash:
        raise ValueError(f"{doc_type}: an input hash needs the hash of the template the paper is made from")
    payload: dict[str, Any] = {
        "doc_type": doc_type,
        "options": dict(sorted(options.items())),
        "as_of": as_of.isoformat() if as_of else None,
        "engine": engine,
        "template": template_hash,
    }
    if finish:  # the finishing (PDF/A, a redacted copy) changes the bytes, so it is an input too
        payload["finish"] = finish
    # one case keeps the key it has always had, so that papers stored before stay unchanged
    if isinstance(subjects, str):
        payload["case"] = subjects
    else:
        payload["cases"] = list(subjects)
    declared = dict(extras or {})
    for name, item in sorted((stored or {}).items()):
        declared[f"stored:{name}"] = item.sha256
    if declared:
        payload["extras"] = dict(sorted(declared.items()))
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def entry_hash(content_hash: str, fields: Mapping[str, str]) -> str:
    """One case of a batch with what the officer said about it (a reason, the evidence)."""
    payload = {"case": content_hash, "fields": dict(sorted(fields.items()))}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def combined_template_hash(hashes: Mapping[str, str]) -> str:
    """One hash for a paper rendered from several templates (a pack's cover and its briefings)."""
    if not hashes or not all(hashes.values()):
        raise ValueError("every template of the paper needs its hash")
    if len(hashes) == 1:
        return next(iter(hashes.values()))
    return hashlib.sha256(json.dumps(dict(sorted(hashes.items()))).encode()).hexdigest()
