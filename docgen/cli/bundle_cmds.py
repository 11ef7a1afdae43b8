"""``docgen bundle``: build a court bundle from a spec."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from docgen.bundles.builder import BuiltBundle, Finishing, SourceFile, build_bundle
from docgen.bundles.layout import Manifest
from docgen.bundles.spec import BundleSpec, Source, load_spec
from docgen.config import Settings, get_settings
from docgen.errors import InvalidInput, StorageUnavailable
from docgen.pdf.inputs import InputLimits

if TYPE_CHECKING:
    pass

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
        finish=Finishing.from_settings(settings, _progress),
    )


def _progress(done: int, total: int) -> None:
    if total:
        print(
            f"\rreading scanned pages: {done} of {total}", end="\n" if done >= total else "", file=sys.stderr
        )


def store_bundle(args: argparse.Namespace, settings: Settings) -> int:
    """Build from stored versions, uploads and files through the generation corridor, and store each
    volume as a new version of the case's bundle (unchanged inputs store nothing)."""
    # Imported here: building to a file needs neither the register nor the store, and they are slow to load.
    from docgen.register.models import Role
    from docgen.services import generation
    from docgen.services.auth import Principal
    from docgen.services.backend import Backend

    spec = load_spec(args.spec)
    request = generation.BundleRequest(
        args.case_ref,
        spec,
        Principal(ACTOR, Role.officer),
        late=args.late,
        files=_files_beside(spec, args.spec.parent),
        previous=None if args.late else _manifest_arg(args),
        access_checked=True,
        progress=_progress,
    )
    made = generation.generate(Backend.open(settings), request)
    for result in made.results:
        version, state = result.version, "stored" if result.created else "unchanged"
        print(f"{version.document_id} v{version.number}: {version.figures.get('pages', '?')} pages ({state})")
    return 0


def _files_beside(spec: BundleSpec, base: Path) -> dict[str, SourceFile]:
    """The spec's ``file:`` sources, read from beside it; stored versions and uploads come from the register."""
    only_files = spec.model_copy(
        update={
            "sections": [
                s.model_copy(update={"items": [i for i in s.items if i.source.file is not None]})
                for s in spec.sections
            ]
        }
    )
    return read_files(only_files, base)


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
    for warning in bundle.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for path, volume in zip(paths, bundle.volumes, strict=True):
        path.write_bytes(volume.pdf)
        print(f"{path}: {volume.pages} pages")
    manifest_path = args.output.with_suffix(".manifest.json")
    manifest_path.write_text(json.dumps(bundle.manifest.model_dump(mode="json"), indent=2) + "\n")
    print(f"{manifest_path}: {len(bundle.manifest.entries)} documents")
    return 0
