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
