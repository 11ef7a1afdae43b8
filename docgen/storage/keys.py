"""Object keys. Every key the project writes is made here, so none can escape its folder.

``cases/<case_ref>/<doc_type>/<document_id>.<ext>`` for documents and their attachments,
``cases/<case_ref>/uploads/<sha256>.<ext>`` for evidence files. A case reference may contain
``/``; it is percent-encoded so that one case never nests inside another's prefix. Papers that are
not one case's (a panel pack, a write-off schedule) have a reference ``<namespace>:<key>`` and live
under ``batches/<namespace>/<key>/...``, beside the cases, never inside one.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

from docgen.errors import InvalidInput, Problem

_CASE_REF = re.compile(r"^[A-Za-z0-9/_.-]{1,40}$")
_SEGMENT = re.compile(r"^[A-Za-z0-9_.%-]{1,128}$")
_DOC_TYPE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_EXT = re.compile(r"^[a-z0-9]{1,8}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_BATCH_REF = re.compile(r"^([a-z][a-z_]{0,23}):([A-Za-z0-9_.-]{1,40})$")

UPLOADS = "uploads"


def _bad(path: str, message: str) -> InvalidInput:
    return InvalidInput(f"unsafe storage key: {message}", [Problem(path, message, code="unsafe_key")])


def case_segment(case_ref: str) -> str:
    if not _CASE_REF.match(case_ref) or case_ref.strip(".") == "" or ".." in case_ref.split("/"):
        raise _bad("case_ref", f"case reference {case_ref!r} may hold only A-Z a-z 0-9 / _ . - (at most 40)")
    return quote(case_ref, safe="")


def case_ref_from_segment(segment: str) -> str:
    return unquote(segment)


def case_prefix(case_ref: str) -> str:
    return f"cases/{case_segment(case_ref)}/"


def batch_prefix(ref: str) -> str:
    found = _BATCH_REF.match(ref)
    if not found or found.group(2).strip(".") == "":
        raise _bad("ref", f"batch reference {ref!r} is not <namespace>:<key>")
    return f"batches/{found.group(1)}/{found.group(2)}/"


def owner_prefix(ref: str) -> str:
    """The folder of a case's objects, or of a batch paper's (a reference with a colon)."""
    return batch_prefix(ref) if ":" in ref else case_prefix(ref)


def document_key(case_ref: str, doc_type: str, document_id: str, ext: str = "pdf") -> str:
    if not _DOC_TYPE.match(doc_type) or doc_type == UPLOADS:
        raise _bad("doc_type", f"document type {doc_type!r} is not a safe key segment")
    if not _SEGMENT.match(document_id) or document_id.strip(".") == "":
        raise _bad("document_id", f"document id {document_id!r} is not a safe key segment")
    if not _EXT.match(ext):
        raise _bad("ext", f"extension {ext!r} is not a safe key segment")
    return f"{owner_prefix(case_ref)}{doc_type}/{document_id}.{ext}"


def upload_key(case_ref: str, sha256: str, ext: str) -> str:
    if not _SHA256.match(sha256):
        raise _bad("sha256", "an upload is keyed by its lower-case hex sha256")
    ext = ext.lower().lstrip(".") or "bin"
    if not _EXT.match(ext):
        raise _bad("ext", f"extension {ext!r} is not a safe key segment")
    return f"{case_prefix(case_ref)}{UPLOADS}/{sha256}.{ext}"


def template_key(council: str, name: str, sha256: str) -> str:
    """``templates/<council>/<template name>/<sha256>.docx``: a replacement template, by content."""
    for path, value in (("council", council), ("name", name)):
        if not _SEGMENT.match(value) or value.strip(".") == "":
            raise _bad(path, f"{value!r} is not a safe key segment")
    if not _SHA256.match(sha256):
        raise _bad("sha256", "a template is keyed by its lower-case hex sha256")
    return f"templates/{council}/{name}/{sha256}.docx"


def check_key(key: str) -> str:
    """Refuse a key that could leave the store's folder or that this module would not make."""
    parts = key.split("/")
    if len(parts) < 2 or any(not _SEGMENT.match(p) or p.strip(".") == "" for p in parts):
        raise _bad("key", f"{key!r} is not a safe object key")
    return key
