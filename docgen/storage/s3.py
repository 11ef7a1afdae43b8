"""The S3 object store (MinIO in production), through the minio SDK.

At start-up the bucket is created with versioning, and with object lock where the server supports
it; a legal hold then makes the server itself refuse to delete a version. Where the server has no
object lock, the hold is recorded as a tag and this class refuses the deletion instead.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import timedelta
from typing import BinaryIO

import urllib3
from minio import Minio
from minio.commonconfig import Tags
from minio.error import S3Error
from minio.versioningconfig import ENABLED, VersioningConfig

from docgen.errors import Conflict, NotFound, StorageUnavailable
from docgen.storage.base import CHUNK_SIZE, Payload, StoredObject
from docgen.storage.keys import check_key

_META_PREFIX = "x-amz-meta-"
_HOLD_TAG = "docgen-legal-hold"
_MISSING = {"NoSuchKey", "NoSuchVersion", "NoSuchObject", "InvalidArgument"}
_NO_LOCK_CONFIG = {"ObjectLockConfigurationNotFoundError", "InvalidRequest", "NotImplemented"}


@contextmanager
def _translated(what: str) -> Iterator[None]:
    """Map transport failures onto StorageUnavailable and missing objects onto NotFound."""
    try:
        yield
    except S3Error as err:
        if err.code in _MISSING:
            raise NotFound(f"no stored object {what}", code="object_not_found") from err
        raise StorageUnavailable(f"object store refused {what}: {err.code}") from err
    except (urllib3.exceptions.HTTPError, OSError) as err:
        raise StorageUnavailable(f"object store unreachable while reading or writing {what}") from err


class S3Store:
    name = "s3"

    def __init__(self, client: Minio, bucket: str):
        self.client = client
        self.bucket = bucket
        self.object_lock = False
        self._ensure_bucket()

    @classmethod
    def connect(
        cls,
        endpoint: str,
        access_key: str,
        secret_key: str,
        bucket: str,
        *,
        secure: bool = False,
        region: str = "us-east-1",
        connect_timeout_s: float = 3.0,
    ) -> S3Store:
        # Few retries and a short connect timeout: an unreachable server should be reported in
        # seconds, not after urllib3's default back-off.
        http = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=connect_timeout_s, read=120.0),
            retries=urllib3.Retry(total=2, backoff_factor=0.2, status_forcelist=(500, 502, 503, 504)),
            maxsize=16,
        )
        client = Minio(
            endpoint,
            access_key=access_key,
            secret_key=secret_key,
            secure=secure,
            region=region,
            http_client=http,
        )
        return cls(client, bucket)

    def _ensure_bucket(self) -> None:
        with _translated(f"bucket {self.bucket}"):
            if not self.client.bucket_exists(self.bucket):
                try:
                    self.client.make_bucket(self.bucket, object_lock=True)
                except S3Error as err:
                    if err.code in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                        pass  # another process created it first
                    elif err.code in _NO_LOCK_CONFIG:
                        self.client.make_bucket(self.bucket)
                    else:
                        raise
            self.client.set_bucket_versioning(self.bucket, VersioningConfig(ENABLED))
            try:
                self.client.get_object_lock_config(self.bucket)
                self.object_lock = True
            except S3Error as err:
                if err.code not in _NO_LOCK_CONFIG:
                    raise

    # -- writing -----------------------------------------------------------------------------

    def put(self, key: str, data: Payload, metadata: Mapping[str, str] | None = None) -> StoredObject:
        check_key(key)
        if isinstance(data, bytes | bytearray | memoryview):
            return self._put_spooled(key, _spool_bytes(bytes(data)), metadata)
        return self._put_spooled(key, _spool_stream(data), metadata)

    def _put_spooled(
        self, key: str, spooled: tuple[BinaryIO, str, int], metadata: Mapping[str, str] | None
    ) -> StoredObject:
        # The sha256 travels in the object's metadata, so it is computed before the upload starts.
        body, sha, size = spooled
        with body:
            meta: dict[str, str] = {**(metadata or {}), "sha256": sha}
            sent: dict[str, str | list[str] | tuple[str]] = dict(meta)
            with _translated(key):
                result = self.client.put_object(
                    self.bucket, key, body, size, content_type=_content_type(key), metadata=sent
                )
        if result.version_id is None:
            raise StorageUnavailable(f"bucket {self.bucket} did not return a version id: versioning is off")
        return StoredObject(
            key=key,
            version_id=result.version_id,
            sha256=sha,
            size=size,
            etag=(result.etag or "").strip('"'),
            metadata=meta,
            last_modified=result.last_modified,
        )

    def lock(self, key: str, version_id: str) -> None:
        check_key(key)
        with _translated(f"{key} version {version_id}"):
            if self.object_lock:
                self.client.enable_object_legal_hold(self.bucket, key, version_id=version_id)
            else:
                tags = Tags.new_object_tags()
                tags[_HOLD_TAG] = "on"
                self.client.set_object_tags(self.bucket, key, tags, version_id=version_id)

    def _is_locked(self, key: str, version_id: str) -> bool:
        with _translated(f"{key} version {version_id}"):
            if self.object_lock:
                return bool(self.client.is_object_legal_hold_enabled(self.bucket, key, version_id=version_id))
            tags = self.client.get_object_tags(self.bucket, key, version_id=version_id)
            return bool(tags and tags.get(_HOLD_TAG) == "on")

    def delete(self, key: str, version_id: str) -> None:
        check_key(key)
        self.head(key, version_id)
        if self._is_locked(key, version_id):
            raise Conflict(f"{key} version {version_id} is locked and cannot be deleted", code="locked")
        with _translated(f"{key} version {version_id}"):
            self.client.remove_object(self.bucket, key, version_id=version_id)

    # -- reading -----------------------------------------------------------------------------

    def get(self, key: str, version_id: str | None = None) -> bytes:
        return b"".join(self.open_stream(key, version_id))

    def open_stream(
        self, key: str, version_id: str | None = None, chunk_size: int = CHUNK_SIZE
    ) -> Iterator[bytes]:
        check_key(key)
        what = f"{key} version {version_id or 'latest'}"
        with _translated(what):
            response = self.client.get_object(self.bucket, key, version_id=version_id)

        def chunks() -> Iterator[bytes]:
            try:
                with _translated(what):
                    yield from response.stream(chunk_size)
            finally:
                response.close()
                response.release_conn()

        return chunks()

    def head(self, key: str, version_id: str | None = None) -> StoredObject:
        check_key(key)
        with _translated(f"{key} version {version_id or 'latest'}"):
            stat = self.client.stat_object(self.bucket, key, version_id=version_id)
        headers = stat.metadata or {}
        meta = {k[len(_META_PREFIX) :]: v for k, v in headers.items() if k.lower().startswith(_META_PREFIX)}
        found_version = stat.version_id or version_id or ""
        return StoredObject(
            key=key,
            version_id=found_version,
            sha256=meta.get("sha256", ""),
            size=int(stat.size or 0),
            etag=(stat.etag or "").strip('"'),
            metadata=meta,
            last_modified=stat.last_modified,
            locked=self._is_locked(key, found_version),
        )

    def list_versions(self, key: str) -> list[StoredObject]:
        check_key(key)
        found = [o for o in self.iter_objects(key) if o.key == key]
        return [self.head(key, o.version_id) for o in found]

    def iter_objects(self, prefix: str = "") -> Iterator[StoredObject]:
        """Versions as listed, oldest first per key; ``sha256`` and ``locked`` are not filled
        in (that needs a request per version: call ``head``). Streams: S3 lists keys in order
        and the versions of one key together, newest first (timestamps are too coarse to sort
        on), so only one key's versions are held at a time."""
        listed = self.client.list_objects(
            self.bucket, prefix=prefix or None, recursive=True, include_version=True
        )
        current: list[StoredObject] = []
        with _translated(f"listing {prefix or 'the bucket'}"):
            for item in listed:
                if item.is_delete_marker or item.object_name is None or item.version_id is None:
                    continue
                if current and current[0].key != item.object_name:
                    yield from reversed(current)
                    current = []
                current.append(
                    StoredObject(
                        key=item.object_name,
                        version_id=item.version_id,
                        sha256="",
                        size=int(item.size or 0),
                        etag=(item.etag or "").strip('"'),
                        last_modified=item.last_modified,
                    )
                )
        yield from reversed(current)

    def presigned_url(self, key: str, version_id: str, expires: timedelta) -> str:
        check_key(key)
        with _translated(f"{key} version {version_id}"):
            return self.client.presigned_get_object(self.bucket, key, expires=expires, version_id=version_id)


def _spool_bytes(data: bytes) -> tuple[BinaryIO, str, int]:
    from io import BytesIO

    return BytesIO(data), hashlib.sha256(data).hexdigest(), len(data)


def _spool_stream(stream: BinaryIO) -> tuple[BinaryIO, str, int]:
    spool = tempfile.SpooledTemporaryFile(max_size=8 * CHUNK_SIZE)  # noqa: SIM115 - closed by the caller
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(CHUNK_SIZE):
        spool.write(chunk)
        digest.update(chunk)
        size += len(chunk)
    spool.seek(0)
    return spool, digest.hexdigest(), size  # type: ignore[return-value]


def _content_type(key: str) -> str:
    ext = key.rsplit(".", 1)[-1].lower()
    return {
        "pdf": "application/pdf",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "json": "application/json",
        "png": "image/png",
        "jpg": "image/jpeg",
        "jpeg": "image/jpeg",
    }.get(ext, "application/octet-stream")
