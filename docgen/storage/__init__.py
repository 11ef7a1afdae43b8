"""Versioned object storage: one Protocol, a filesystem backend and an S3 backend."""

from __future__ import annotations

from docgen.config import Settings
from docgen.storage.base import ObjectStore, StorageNotSupported, StoredObject, hash_stream, sha256_hex
from docgen.storage.filesystem import FilesystemStore
from docgen.storage.keys import case_prefix, check_key, document_key, template_key, upload_key
from docgen.storage.s3 import S3Store

__all__ = [
    "FilesystemStore",
    "ObjectStore",
    "S3Store",
    "StorageNotSupported",
    "StoredObject",
    "case_prefix",
    "check_key",
    "check_writable",
    "document_key",
    "hash_stream",
    "make_store",
    "sha256_hex",
    "template_key",
    "upload_key",
]


def make_store(settings: Settings) -> ObjectStore:
    """The store the settings name: the embedded filesystem store unless s3 is configured."""
    if settings.storage_backend == "s3":
        return S3Store.connect(
            settings.s3_endpoint,
            settings.s3_access_key,
            settings.s3_secret_key,
            settings.s3_bucket,
            secure=settings.s3_secure,
            region=settings.s3_region,
        )
    return FilesystemStore(settings.storage_dir)


PROBE_KEY = "readyz/probe"


def check_writable(store: ObjectStore) -> None:
    """Write a small object and remove it again: raises StorageUnavailable (or another store
    error) when the store cannot take a new version now."""
    stored = store.put(PROBE_KEY, b"ready\n", {"purpose": "readiness"})
    store.delete(stored.key, stored.version_id)
