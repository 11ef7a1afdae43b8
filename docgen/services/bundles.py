"""Court bundles through the generation corridor: a paper derived from stored versions, uploads and
(from the command line) files. Each volume is a version of the case's ``court_bundle`` document
(volume 1 plain, later volumes ``volume-N``), and every volume carries the manifest that late
additions paginate on.

The probe reads every input the spec names (checked against its sha256) and hashes them with the
one recipe: the spec, each input's sha256, the earlier manifest for late additions, the volume size
and the index template. Unchanged inputs answer from the register without building anything."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from docgen.bundles.builder import Finishing, Progress, SourceFile, build_bundle
from docgen.bundles.index import template_hash
from docgen.bundles.layout import Manifest
from docgen.bundles.spec import BundleSpec, parse_spec
from docgen.documents import inputs
from docgen.documents.inputs import StoredInput
from docgen.domain.redaction import is_redacted_key, redacted_key
from docgen.errors import InvalidInput, NotFound, Problem
from docgen.pdf.inputs import InputLimits
from docgen.register import versions
from docgen.register.models import Document, Upload, Version
from docgen.register.repositories import cases, documents
from docgen.register.versions import Made, unchanged
from docgen.services.access import require_visible_case, require_writer
from docgen.services.auth import Principal
from docgen.services.backend import Backend
from docgen.services.signing import sign_bytes
from docgen.storage import ObjectStore

DOC_TYPE = "court_bundle"
#: where files read for text are kept (StoredOcr)
OCR_PREFIX = "ocr/"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BundleRequest:
    """A bundle of a case, from a spec whose sources are the case's stored versions and uploads
    (and, from the command line, ``files`` read from beside the spec, by source key)."""

    case_ref: str
    spec: BundleSpec
    actor: Principal
    #: add the spec's new items at the end of the stored bundle, as its next version
    late: bool = False
    files: Mapping[str, SourceFile] = field(default_factory=dict)
    #: an earlier bundle's manifest to keep the pages of (the command line's ``--previous``)
    previous: Manifest | None = None
    access_checked: bool = False
    #: told (scanned pages read, scanned pages to read) as OCR goes on
    progress: Progress | None = field(default=None, compare=False)
    #: a door that waits for the bundle reads at most this many scanned pages; a bundle with more
    #: stops with TooSlowHere before reading any, for the door to queue it as a job instead
    ocr_page_limit: int | None = None

    @classmethod
    def of(
        cls, case_ref: str, data: Any, actor: Principal, late: bool = False, ocr_page_limit: int | None = None
    ) -> BundleRequest:
        """From a spec as sent to the API (checked here, before any input is read)."""
        spec = parse_spec(data)
        if spec.case_ref != case_ref:
            raise InvalidInput(
                "the spec is for another case", [Problem("case_ref", f"expected {case_ref!r}")]
            )
        return cls(case_ref, spec, actor, late, ocr_page_limit=ocr_page_limit)


def plan(
    backend: Backend, request: BundleRequest, session: Session
) -> tuple[tuple[int, ...], Callable[[], list[Made]]]:
    """(versions already made from these inputs, how to build): the corridor's probe for a bundle."""
    if not request.access_checked:
        require_visible_case(session, request.actor, request.case_ref)
        require_writer(request.actor, "make bundles")
    files, stored = _read_inputs(session, backend.store, request)
    redacted = request.spec.options.redact
    previous = (
        stored_manifest(session, backend.store, request.case_ref, redacted)
        if request.late
        else request.previous
    )
    settings = backend.settings
    finishing = Finishing.from_settings(
        settings, request.progress, request.ocr_page_limit, StoredOcr(backend.store)
    )
    t_hash = template_hash(settings.templates_dir)
    spec_json = json.dumps(request.spec.model_dump(mode="json"), sort_keys=True)
    extras = {"volume_pages": str(settings.bundle_volume_pages)}
    # OCR and PDF/A change the volumes' bytes, so they are inputs too
    finish = "+".join(x for x in ("pdf/a-2b" if finishing.pdfa else "", "ocr" if finishing.ocr else "") if x)
    if previous is not None:
        extras["previous"] = hashlib.sha256(previous.model_dump_json().encode()).hexdigest()
    input_hash = inputs.input_hash(
        doc_type=DOC_TYPE,
        subjects=hashlib.sha256(spec_json.encode()).hexdigest(),
        options={"late": "yes"} if request.late else {},
        as_of=None,
        engine="pdf",
        template_hash=t_hash,
        extras=extras,
        stored=stored,
        finish=finish,
    )
    found = _unchanged_volumes(session, request.case_ref, (input_hash, t_hash, "pdf"), redacted)

    def build() -> list[Made]:
        built = build_bundle(
            request.spec,
            files,
            limits=InputLimits(settings.max_upload_bytes, settings.max_upload_pages),
            volume_pages=settings.bundle_volume_pages,
            templates_dir=settings.templates_dir,
            previous=previous,
            finish=finishing,
        )
        manifest = json.dumps(built.manifest.model_dump(mode="json"), indent=2).encode()
        used = {
            s.name: {"document_id": s.document_id, "version": s.number, "sha256": s.sha256}
            for s in stored.values()
        }
        # signed with the council's key when one is configured, so that partners download it signed
        signed = [
            sign_bytes(v.pdf, settings) if settings.signing_enabled else (v.pdf, None) for v in built.volumes
        ]
        return [
            Made(
                case_ref=request.case_ref,
                doc_type=DOC_TYPE,
                variant=_variant(volume.number, redacted),
                pdf=pdf,
                input_hash=input_hash,
                template_hash=t_hash,
                title=built.manifest.title,
                engine="pdf",
                attachments={"json": manifest},
                inputs=used,
                figures={"pages": str(volume.pages)},
                warnings=built.warnings,
                signature=signature,
            )
            for volume, (pdf, signature) in zip(built.volumes, signed, strict=True)
        ]

    return found, build


@dataclass(frozen=True)
class StoredOcr:
    """Files already read for text, kept in the object store under ``ocr/<cache key>.pdf`` (the key
    from docgen.pdf.ocr.cache_key: the file's bytes, the languages, the tools' versions), so that
    the same scanned upload is not read again for every bundle it goes into. Each kept file is
    checked against its sha256 when it is read; the cache never stops a bundle: a store that cannot
    answer is a cache that does not have the file."""

    store: ObjectStore

    @staticmethod
    def object_key(key: str) -> str:
        if len(key) != 64 or not all(c in "0123456789abcdef" for c in key):
            raise ValueError(f"not an OCR cache key: {key!r}")
        return f"{OCR_PREFIX}{key}.pdf"

    def get(self, key: str) -> bytes | None:
        try:
            found = self.store.head(self.object_key(key))
            data = self.store.get(found.key, found.version_id)
        except NotFound:
            return None
        except Exception:
            log.warning("OCR cache: %s could not be read", key, exc_info=True)
            return None
        return data if hashlib.sha256(data).hexdigest() == found.sha256 else None

    def put(self, key: str, data: bytes) -> None:
        try:
            self.store.put(self.object_key(key), data, {"kind": "ocr"})
        except Exception:
            log.warning("OCR cache: %s could not be kept", key, exc_info=True)


def _unchanged_volumes(
    session: Session, case_ref: str, made_from: tuple[str, str, str], redacted: bool = False
) -> tuple[int, ...]:
    first = unchanged(session, case_ref, DOC_TYPE, _variant(1, redacted), made_from)
    if first is None:
        return ()
    rest = [
        unchanged(session, case_ref, DOC_TYPE, d.variant, made_from)
        for d in documents.for_case(session, case_ref)
        if d.doc_type == DOC_TYPE
        and d.variant.startswith("volume-")
        and is_redacted_key(d.variant) == redacted
    ]
    return (first.id, *(v.id for v in rest if v is not None))


def _read_inputs(
    session: Session, store: ObjectStore, request: BundleRequest
) -> tuple[dict[str, SourceFile], dict[str, StoredInput]]:
    """The bytes of every input the spec names, checked against their sha256, and each as a stored
    input of the bundle (by the spec's source key)."""
    case_ref = request.case_ref
    files: dict[str, SourceFile] = {}
    stored: dict[str, StoredInput] = {}
    problems: list[Problem] = []
    for s, section in enumerate(request.spec.sections):
        for i, item in enumerate(section.items):
            path, src = f"sections[{s}].items[{i}].source", item.source
            if src.file is not None:
                given = request.files.get(src.key)
                if given is None:
                    problems.append(
                        Problem(path, "the service reads stored versions and uploads only, not files")
                    )
                    continue
                files[src.key] = given
                sha = hashlib.sha256(given.data).hexdigest()
                stored[src.key] = StoredInput(src.key, f"file:{src.file}", 0, sha)
            elif src.version is not None:
                document = documents.get(session, src.version.document_id)
                version = (
                    documents.get_version(session, document.id, src.version.number) if document else None
                )
                if document is None or version is None or document.case_ref != case_ref:
                    problems.append(Problem(path, f"no document {src.version.document_id!r} in this case"))
                    continue
                if request.spec.options.redact and not is_redacted_key(document.variant):
                    problems.append(
                        Problem(
                            path,
                            "a redacted bundle takes the redacted copies of papers: make this paper's "
                            "redacted copy and name that",
                            hint="docgen generate TYPE --case CASE.json --as-of DATE --redacted",
                        )
                    )
                    continue
                body = versions.read_exact(store, version)
                files[src.key] = SourceFile(src.key, item.description, body, item.password)
                stored[src.key] = StoredInput(src.key, version.document_id, version.number, version.sha256)
            else:
                upload = cases.find_upload(session, case_ref, src.upload or "")
                if upload is None:
                    problems.append(Problem(path, "no such upload for this case"))
                    continue
                if upload.withdrawn:
                    problems.append(
                        Problem(
                            path, f"{upload.filename} was withdrawn and goes into no new bundle", "withdrawn"
                        )
                    )
                    continue
                body = _upload_bytes(store, upload)
                files[src.key] = SourceFile(src.key, upload.filename, body, item.password)
                stored[src.key] = StoredInput(src.key, f"upload:{upload.id}", 0, upload.sha256)
    if problems:
        raise InvalidInput("the bundle spec names inputs that cannot be used", problems)
    return files, stored


def _upload_bytes(store: ObjectStore, upload: Upload) -> bytes:
    body = store.get(upload.storage_key, upload.storage_version_id)
    if hashlib.sha256(body).hexdigest() != upload.sha256:
        raise versions.ChecksumMismatch(f"upload {upload.filename}: stored bytes do not match their sha256")
    return body


def _variant(volume: int, redacted: bool) -> str:
    key = f"volume-{volume}" if volume > 1 else ""
    return redacted_key(key) if redacted else key


def stored_manifest(session: Session, store: ObjectStore, case_ref: str, redacted: bool = False) -> Manifest:
    found = documents.find(session, case_ref, DOC_TYPE, _variant(1, redacted))
    version = documents.latest_version(session, found.id) if found is not None else None
    record = version.attachments.get("json") if version is not None else None
    if version is None or not record:
        raise NotFound(
            f"no stored bundle for case {case_ref} to add late documents to", code="bundle_not_found"
        )
    return Manifest.model_validate_json(versions.read_attachment(store, version, "json"))


def sources(
    session: Session, who: Principal, case_ref: str
) -> tuple[list[tuple[Document, Version]], list[Upload]]:
    """What a bundle of the case can be made from: each document's newest version (bundles
    themselves left out), and the evidence uploaded."""
    require_visible_case(session, who, case_ref)
    require_writer(who, "make bundles")
    papers = [
        (d, max(d.versions, key=lambda v: v.number))
        for d in documents.for_case(session, case_ref)
        if d.doc_type != DOC_TYPE and d.versions
    ]
    return papers, cases.uploads_for(session, case_ref, withdrawn=False)
