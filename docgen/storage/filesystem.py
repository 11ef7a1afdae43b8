"""The embedded object store: every version of a key is its own read-only file.

Layout under the root folder: ``<key>/<version>.data`` with ``<version>.meta.json`` beside it,
``<version>.lock`` for a legal hold and ``<version>.deleted`` as a tombstone so that a version
number is never handed out twice. Version ids are zero-padded counters: deterministic, and their
string order is their age.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO, ParamSpec, TypeVar

from docgen.errors import Conflict, NotFound, StorageUnavailable
from docgen.storage.base import CHUNK_SIZE, Payload, StorageNotSupported, StoredObject
from docgen.storage.keys import check_key

_DATA = ".data"
_META = ".meta.json"
_LOCK = ".lock"
_TOMBSTONE = ".deleted"
_READ_ONLY = 0o444


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _chunks(data: Payload) -> Iterator[bytes]:
    if isinstance(data, bytes | bytearray | memoryview):
        yield bytes(data)
        return
    stream: BinaryIO = data
    while chunk := stream.read(CHUNK_SIZE):
        yield chunk


def _read_record(path: Path) -> dict[str, Any] | None:
    try:
        record = json.loads(path.read_text())
    except (FileNotFoundError, ValueError):
        return None
    if not isinstance(record, dict) or not {"sha256", "size", "etag", "metadata"} <= record.keys():
        return None
    return record


P = ParamSpec("P")
T = TypeVar("T")


def _unavailable_on_os_error(method: Callable[P, T]) -> Callable[P, T]:
    """A disk that is full, read-only or failing is the store being unavailable (503, retried by
    jobs), never an unexpected error; a file gone from under a version is that version not found."""

    @functools.wraps(method)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return method(*args, **kwargs)
        except FileNotFoundError as exc:
            raise NotFound(f"no stored object ({exc.filename})", code="object_not_found") from exc
        except OSError as exc:
            raise StorageUnavailable(f"the document store cannot be used: {exc.strerror or exc}") from exc

    return guarded


class FilesystemStore:
    name = "filesystem"

    def __init__(self, root: Path):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    # -- paths -------------------------------------------------------------------------------

    def _key_dir(self, key: str) -> Path:
        return self.root.joinpath(*check_key(key).split("/"))

    def _numbers(self, key_dir: Path) -> list[int]:
        """Every version number ever handed out for this key, deleted ones included."""
        if not key_dir.is_dir():
            return []
        numbers = set()
        for entry in key_dir.iterdir():
            stem, _, suffix = entry.name.partition(".")
            if stem.isdigit() and "." + suffix in (_DATA, _TOMBSTONE):
                numbers.add(int(stem))
        return sorted(numbers)

    def _live_versions(self, key_dir: Path) -> list[str]:
        return [f"{n:08d}" for n in self._numbers(key_dir) if (key_dir / f"{n:08d}{_DATA}").exists()]

    def _resolve(self, key: str, version_id: str | None) -> tuple[Path, str]:
        key_dir = self._key_dir(key)
        if version_id is None:
            live = self._live_versions(key_dir)
            if not live:
                raise NotFound(f"no stored object {key}", code="object_not_found")
            version_id = live[-1]
        if not version_id.isdigit() or not (key_dir / f"{version_id}{_DATA}").exists():
            raise NotFound(f"no stored object {key} version {version_id}", code="object_not_found")
        return key_dir, version_id

    # -- writing -----------------------------------------------------------------------------

    @_unavailable_on_os_error
    def put(self, key: str, data: Payload, metadata: Mapping[str, str] | None = None) -> StoredObject:
        key_dir = self._key_dir(key)
        key_dir.mkdir(parents=True, exist_ok=True)
        sha, md5, size = hashlib.sha256(), hashlib.md5(usedforsecurity=False), 0
        fd, tmp_name = tempfile.mkstemp(dir=key_dir, prefix=".incoming-")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in _chunks(data):
                    out.write(chunk)
                    sha.update(chunk)
                    md5.update(chunk)
                    size += len(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(tmp, _READ_ONLY)
            version_id = self._claim(key_dir, tmp)
        finally:
            tmp.unlink(missing_ok=True)
        meta = {**(metadata or {}), "sha256": sha.hexdigest()}
        record = {"sha256": sha.hexdigest(), "size": size, "etag": md5.hexdigest(), "metadata": meta}
        # The metadata is not fsynced: after a power cut it may be missing or torn, and ``head``
        # then rebuilds it from the data file, which is durable (fsynced, then linked, then the
        # folder fsynced). One fsync fewer per version.
        self._write_atomic(
            key_dir / f"{version_id}{_META}", json.dumps(record, sort_keys=True).encode(), False
        )
        _fsync_dir(key_dir)
        return self.head(key, version_id)

    def _claim(self, key_dir: Path, tmp: Path) -> str:
        """Give the written file the next free version number. ``link`` fails when the name
        exists, so two writers never share a number and nothing is ever overwritten."""
        numbers = self._numbers(key_dir)
        candidate = (numbers[-1] + 1) if numbers else 1
        while True:
            version_id = f"{candidate:08d}"
            try:
                os.link(tmp, key_dir / f"{version_id}{_DATA}")
                return version_id
            except FileExistsError:
                candidate += 1

    def _write_atomic(self, target: Path, payload: bytes, durable: bool = True) -> None:
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(payload)
                out.flush()
                if durable:
                    os.fsync(out.fileno())
            os.replace(tmp_name, target)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp_name)

    @_unavailable_on_os_error
    def lock(self, key: str, version_id: str) -> None:
        key_dir, version_id = self._resolve(key, version_id)
        marker = key_dir / f"{version_id}{_LOCK}"
        if not marker.exists():
            stamp = {"legal_hold": True, "at": datetime.now(UTC).isoformat()}
            self._write_atomic(marker, json.dumps(stamp).encode())
            _fsync_dir(key_dir)

    @_unavailable_on_os_error
    def delete(self, key: str, version_id: str) -> None:
        key_dir, version_id = self._resolve(key, version_id)
        if (key_dir / f"{version_id}{_LOCK}").exists():
            raise Conflict(f"{key} version {version_id} is locked and cannot be deleted", code="locked")
        (key_dir / f"{version_id}{_TOMBSTONE}").touch()
        (key_dir / f"{version_id}{_DATA}").unlink()
        (key_dir / f"{version_id}{_META}").unlink(missing_ok=True)
        _fsync_dir(key_dir)

    # -- reading -----------------------------------------------------------------------------

    @_unavailable_on_os_error
    def get(self, key: str, version_id: str | None = None) -> bytes:
        key_dir, version_id = self._resolve(key, version_id)
        return (key_dir / f"{version_id}{_DATA}").read_bytes()

    @_unavailable_on_os_error
    def open_stream(
        self, key: str, version_id: str | None = None, chunk_size: int = CHUNK_SIZE
    ) -> Iterator[bytes]:
        key_dir, version_id = self._resolve(key, version_id)
        # Opened before the generator starts, so a missing version fails at the call, not mid-download.
        handle = (key_dir / f"{version_id}{_DATA}").open("rb")

        def chunks() -> Iterator[bytes]:
            with handle:
                while chunk := handle.read(chunk_size):
                    yield chunk

        return chunks()

    @_unavailable_on_os_error
    def head(self, key: str, version_id: str | None = None) -> StoredObject:
        key_dir, version_id = self._resolve(key, version_id)
        data_path = key_dir / f"{version_id}{_DATA}"
        record = _read_record(key_dir / f"{version_id}{_META}")
        if record is None:
            # Written, but the process or machine died before its metadata was: describe it from
            # the bytes, which are durable.
            body = data_path.read_bytes()
            record = {
                "sha256": hashlib.sha256(body).hexdigest(),
                "size": len(body),
                "etag": hashlib.md5(body, usedforsecurity=False).hexdigest(),
                "metadata": {},
            }
        return StoredObject(
            key=key,
            version_id=version_id,
            sha256=record["sha256"],
            size=int(record["size"]),
            etag=record["etag"],
            metadata=record["metadata"],
            last_modified=datetime.fromtimestamp(data_path.stat().st_mtime, UTC),
            locked=(key_dir / f"{version_id}{_LOCK}").exists(),
        )

    @_unavailable_on_os_error
    def list_versions(self, key: str) -> list[StoredObject]:
        return [self.head(key, v) for v in self._live_versions(self._key_dir(key))]

    @_unavailable_on_os_error
    def iter_objects(self, prefix: str = "") -> Iterator[StoredObject]:
        for dirpath, dirnames, filenames in os.walk(self.root):
            dirnames.sort()
            if not any(name.endswith(_DATA) for name in filenames):
                continue
            key = Path(dirpath).relative_to(self.root).as_posix()
            if key.startswith(prefix):
                yield from self.list_versions(key)

    def presigned_url(self, key: str, version_id: str, expires: timedelta) -> str:
        raise StorageNotSupported("the filesystem store cannot make presigned URLs; download through docgen")
