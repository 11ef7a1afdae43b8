"""The object-store interface shared by every backend.

A store keeps every version of every key. A version, once written, is never changed in place: a
later ``put`` of the same key makes a new version, and a locked version (legal hold) refuses
deletion. Backends that cannot do an operation raise ``StorageNotSupported``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import BinaryIO, Protocol

from docgen.errors import EngineUnavailable

CHUNK_SIZE = 1024 * 1024

Payload = bytes | BinaryIO


class StorageNotSupported(EngineUnavailable):
    """This backend cannot do the operation (e.g. a presigned URL from the filesystem store)."""

    def __init__(self, message: str):
        super().__init__(message, code="storage_not_supported")


@dataclass(frozen=True)
class StoredObject:
    """One version of one key, as the store holds it."""

    key: str
    version_id: str
    sha256: str
    size: int
    etag: str
    metadata: Mapping[str, str] = field(default_factory=dict)
    last_modified: datetime | None = None
    locked: bool = False


class ObjectStore(Protocol):
    """A versioned object store. Keys are made by ``docgen.storage.keys``."""

    name: str

    def put(self, key: str, data: Payload, metadata: Mapping[str, str] | None = None) -> StoredObject:
        """Store a new version of ``key``; the stored metadata always carries ``sha256``."""
        ...

    def get(self, key: str, version_id: str | None = None) -> bytes:
        """The bytes of one version (the newest when ``version_id`` is None)."""
        ...

    def open_stream(
        self, key: str, version_id: str | None = None, chunk_size: int = CHUNK_SIZE
    ) -> Iterator[bytes]:
        """The bytes of one version in chunks, for downloads that should not sit in memory."""
        ...

    def head(self, key: str, version_id: str | None = None) -> StoredObject: ...

    def list_versions(self, key: str) -> list[StoredObject]:
        """Every version of ``key``, oldest first."""
        ...

    def iter_objects(self, prefix: str = "") -> Iterator[StoredObject]:
        """Every version of every key under ``prefix`` (for reconciliation)."""
        ...

    def lock(self, key: str, version_id: str) -> None:
        """Put a legal hold on one version: from then on it refuses deletion."""
        ...

    def delete(self, key: str, version_id: str) -> None:
        """Remove one version. Raises Conflict when the version is locked."""
        ...

    def presigned_url(self, key: str, version_id: str, expires: timedelta) -> str: ...


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def hash_stream(chunks: Iterator[bytes]) -> tuple[str, int]:
    """sha256 and size of a stream of chunks, read once."""
    digest = hashlib.sha256()
    size = 0
    for chunk in chunks:
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size
