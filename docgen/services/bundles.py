"""Court bundles through the service, stored the same way as ``docgen bundle --case``: each
volume is a version of the case's ``court_bundle`` document (volume 1 plain, later volumes
``volume-N``), and volume 1 carries the manifest that late additions paginate on."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from docgen.bundles.builder import BuiltBundle, SourceFile, build_bundle
from docgen.bundles.index import template_hash
from docgen.bundles.layout import Manifest
from docgen.bundles.spec import BundleSpec, parse_spec
from docgen.config import Settings
from docgen.errors import InvalidInput, NotFound, Problem
from docgen.pdf.inputs import InputLimits
from docgen.register import versions
from docgen.register.models import Version
from docgen.register.repositories import cases, documents
from docgen.services.access import require_visible_case, require_writer
from docgen.services.auth import Principal
from docgen.storage import ObjectStore

DOC_TYPE = "court_bundle"  # as `docgen bundle --case` stores it


@dataclass(frozen=True)
class Inputs:
    spec: BundleSpec
    files: dict[str, SourceFile]
    previous: Manifest | None


def gather(
    session: Session, store: ObjectStore, who: Principal, case_ref: str, data: Any, late: bool
) -> Inputs:
    """Check the spec and read every input it names from the register and the store."""
    require_visible_case(session, who, case_ref)
    spec = parse_spec(data)
    if spec.case_ref != case_ref:
        raise InvalidInput("the spec is for another case", [Problem("case_ref", f"expected {case_ref!r}")])
    return gather_spec(session, store, who, spec, late)


def gather_spec(session: Session, store: ObjectStore, who: Principal, spec: BundleSpec, late: bool) -> Inputs:
    """Read every stored version and upload a parsed spec names (its case already checked visible)."""
    require_writer(who, "make bundles")
    case_ref = spec.case_ref
    files: dict[str, SourceFile] = {}
    problems: list[Problem] = []
    for s, section in enumerate(spec.sections):
        for i, item in enumerate(section.items):
            path, src = f"sections[{s}].items[{i}].source", item.source
            if src.file is not None:
                problems.append(
                    Problem(path, "the service reads stored versions and uploads only, not files")
                )
            elif src.version is not None:
                document = documents.get(session, src.version.document_id)
                if document is None or document.case_ref != case_ref:
                    problems.append(Problem(path, f"no document {src.version.document_id!r} in this case"))
                    continue
                _v, body = versions.fetch(session, store, document.id, src.version.number, who.name)
                files[src.key] = SourceFile(src.key, item.description, body, item.password)
            else:
                upload = cases.find_upload(session, case_ref, src.upload or "")
                if upload is None:
                    problems.append(Problem(path, "no such upload for this case"))
                    continue
                body = store.get(upload.storage_key, upload.storage_version_id)
                if hashlib.sha256(body).hexdigest() != upload.sha256:
                    raise versions.ChecksumMismatch(f"{src.key}: stored bytes do not match their sha256")
                files[src.key] = SourceFile(src.key, upload.filename, body, item.password)
    if problems:
        raise InvalidInput("the bundle spec names inputs that cannot be used", problems)
    return Inputs(spec, files, stored_manifest(session, store, case_ref) if late else None)


def build(inputs: Inputs, settings: Settings) -> BuiltBundle:
    return build_bundle(
        inputs.spec,
        inputs.files,
        limits=InputLimits(settings.max_upload_bytes, settings.max_upload_pages),
        volume_pages=settings.bundle_volume_pages,
        templates_dir=settings.templates_dir,
        previous=inputs.previous,
    )


def store_volumes(
    session: Session,
    store: ObjectStore,
    case_ref: str,
    bundle: BuiltBundle,
    actor: str,
    settings: Settings,
) -> list[tuple[Version, bool]]:
    manifest = json.dumps(bundle.manifest.model_dump(mode="json"), indent=2).encode()
    out = []
    for volume in bundle.volumes:
        made = versions.Made(
            case_ref=case_ref,
            doc_type=DOC_TYPE,
            variant=f"volume-{volume.number}" if volume.number > 1 else "",
            pdf=volume.pdf,
            input_hash=hashlib.sha256(manifest).hexdigest(),
            template_hash=template_hash(settings.templates_dir),
            title=bundle.manifest.title,
            engine="pdf",
            attachments={"json": manifest},
        )
        result = versions.store_version(session, store, made, actor)
        out.append((result.version, result.created))
    return out


def stored_manifest(session: Session, store: ObjectStore, case_ref: str) -> Manifest:
    version = documents.latest_version(session, versions.document_id_for(case_ref, DOC_TYPE))
    record = version.attachments.get("json") if version is not None else None
    if not record:
        raise NotFound(
            f"no stored bundle for case {case_ref} to add late documents to", code="bundle_not_found"
        )
    data = store.get(record["key"], record["version_id"])
    if hashlib.sha256(data).hexdigest() != record["sha256"]:
        raise versions.ChecksumMismatch(
            f"the stored manifest of case {case_ref}'s bundle does not match its sha256"
        )
    return Manifest.model_validate_json(data)
