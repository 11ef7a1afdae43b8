"""``docgen bundle``: build a court bundle from a spec."""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from docgen.bundles.builder import BuiltBundle, SourceFile, build_bundle
from docgen.bundles.layout import Manifest
from docgen.bundles.spec import BundleSpec, Source, load_spec
from docgen.config import Settings, get_settings
from docgen.errors import InvalidInput, NotFound, StorageUnavailable
from docgen.pdf.inputs import InputLimits

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from docgen.storage import ObjectStore

ACTOR = "cli"


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("bundle", help="build a court bundle (index, page numbers, bookmarks, links)")
    p.add_argument("--spec", required=True, type=Path, help="bundle spec, YAML or JSON")
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        help="output PDF; a bundle of several volumes is written as OUT.vol1.pdf, OUT.vol2.pdf, ...",
    )
    p.add_argument("--case", dest="case_ref", help="store the bundle as a new version of this case's bundle")
    p.add_argument(
        "--previous",
        type=Path,
        help="manifest of the earlier bundle: keep its pages and add new items at the end",
    )
    p.add_argument(
        "--late",
        action="store_true",
        help="with --case: add the spec's new items at the end of the stored bundle, as its next version",
    )
    p.set_defaults(func=run)


Fetch = Callable[[Source], bytes]


def read_files(spec: BundleSpec, base: Path, fetch: Fetch | None = None) -> dict[str, SourceFile]:
    """The bytes of every input: ``file:`` sources relative to the spec's folder, the rest via ``fetch``."""
    files: dict[str, SourceFile] = {}
    for section in spec.sections:
        for item in section.items:
            src = item.source
            if src.file is None:
                if fetch is None:
                    raise StorageUnavailable(
                        f"{src.key}: stored versions and uploads are read from the document store; "
                        "give --case CASE_REF"
                    )
                files[src.key] = SourceFile(src.key, src.key, fetch(src), item.password)
                continue
            path = (base / src.file).resolve()
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise InvalidInput(
                    f"{src.file}: cannot read ({exc.strerror or exc})", code="unreadable"
                ) from None
            files[src.key] = SourceFile(src.key, src.file, data, item.password)
    return files


def _store_fetch(session: Session, store: ObjectStore, case_ref: str) -> Fetch:
    from docgen.register import versions
    from docgen.register.repositories import cases

    def fetch(src: Source) -> bytes:
        if src.version is not None:
            _, data = versions.fetch(session, store, src.version.document_id, src.version.number, ACTOR)
            return data
        assert src.upload is not None
        upload = cases.find_upload(session, case_ref, src.upload)
        if upload is None:
            raise NotFound(f"{src.key}: no such upload for case {case_ref}")
        data = store.get(upload.storage_key, upload.storage_version_id)
        if hashlib.sha256(data).hexdigest() != src.upload:
            raise versions.ChecksumMismatch(f"{src.key}: stored bytes do not match their sha256")
        return data

    return fetch


def load_manifest(path: Path) -> Manifest:
    try:
        return Manifest.model_validate_json(path.read_bytes())
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot read ({exc.strerror or exc})", code="unreadable") from None
    except ValueError as exc:
        raise InvalidInput(f"{path}: not a bundle manifest ({exc})") from None


def _manifest_arg(args: argparse.Namespace) -> Manifest | None:
    return load_manifest(args.previous) if args.previous else None


def output_paths(out: Path, volumes: int) -> list[Path]:
    if volumes == 1:
        return [out]
    return [out.with_name(f"{out.stem}.vol{n}{out.suffix}") for n in range(1, volumes + 1)]


def build_from_spec(
    spec_path: Path, settings: Settings, previous: Manifest | None = None, fetch: Fetch | None = None
) -> BuiltBundle:
    spec = load_spec(spec_path)
    files = read_files(spec, spec_path.parent, fetch)
    return build_bundle(
        spec,
        files,
        limits=InputLimits(settings.max_upload_bytes, settings.max_upload_pages),
        volume_pages=settings.bundle_volume_pages,
        templates_dir=settings.templates_dir,
        previous=previous,
    )


def store_bundle(args: argparse.Namespace, settings: Settings) -> int:
    """Build from stored versions, uploads and files, and store each volume as a new document version."""
    # Imported here: building to a file needs neither the register nor the store, and they are slow to load.
    from docgen.register.db import open_register, unit_of_work
    from docgen.services import bundles
    from docgen.storage import make_store

    store = make_store(settings)
    with unit_of_work(open_register(settings)) as session:
        previous = (
            bundles.stored_manifest(session, store, args.case_ref) if args.late else _manifest_arg(args)
        )
        bundle = build_from_spec(args.spec, settings, previous, _store_fetch(session, store, args.case_ref))
        stored = bundles.store_volumes(session, store, args.case_ref, bundle, ACTOR, settings)
        for volume, (version, created) in zip(bundle.volumes, stored, strict=True):
            state = "stored" if created else "unchanged"
            print(f"{version.document_id} v{version.number}: {volume.pages} pages ({state})")
    return 0


def run(args: argparse.Namespace) -> int:
    settings = get_settings()
    if args.case_ref:
        return store_bundle(args, settings)
    if not args.output:
        raise InvalidInput("give -o OUT.pdf (or --case CASE_REF to store the bundle)")
    if args.late:
        raise InvalidInput("--late adds to the bundle stored for a case: give --case CASE_REF")
    bundle = build_from_spec(args.spec, settings, _manifest_arg(args))
    paths = output_paths(args.output, len(bundle.volumes))
    for path, volume in zip(paths, bundle.volumes, strict=True):
        path.write_bytes(volume.pdf)
        print(f"{path}: {volume.pages} pages")
    manifest_path = args.output.with_suffix(".manifest.json")
    manifest_path.write_text(json.dumps(bundle.manifest.model_dump(mode="json"), indent=2) + "\n")
    print(f"{manifest_path}: {len(bundle.manifest.entries)} documents")
    return 0
