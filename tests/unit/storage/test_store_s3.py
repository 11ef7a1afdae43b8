"""What only the S3 store promises: a bucket made with versioning and object lock, and a clear
error when the server cannot be reached."""

from __future__ import annotations

import socket
import time

import pytest

from docgen.config import Settings
from docgen.errors import StorageUnavailable
from docgen.storage import S3Store, document_key, make_store
from tests.fixtures.s3 import S3Server, assert_loopback
from tests.fixtures.storage import sample_pdf


def test_the_bucket_is_created_with_versioning_and_object_lock(s3_settings: Settings) -> None:
    store = make_store(s3_settings)

    assert isinstance(store, S3Store)
    assert store.object_lock
    assert store.client.get_bucket_versioning(s3_settings.s3_bucket).status == "Enabled"
    # A second start-up against the existing bucket is harmless.
    again = make_store(s3_settings)
    key = document_key("A-1", "n1", "d1")
    stored = again.put(key, sample_pdf("x"))
    assert store.head(key, stored.version_id).sha256 == stored.sha256


def test_an_unreachable_server_is_storage_unavailable_within_seconds(settings: Settings) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again before use: nothing listens there
    dead = settings.model_copy(
        update={"storage_backend": "s3", "s3_endpoint": f"127.0.0.1:{port}", "s3_bucket": "docgen-dead"}
    )
    started = time.monotonic()
    with pytest.raises(StorageUnavailable) as refused:
        make_store(dead)
    assert "unreachable" in refused.value.message
    assert time.monotonic() - started < 10


def test_the_fixture_refuses_a_non_loopback_endpoint(s3_server: S3Server, settings: Settings) -> None:
    assert_loopback(s3_server.endpoint)
    with pytest.raises(RuntimeError, match="non-loopback"):
        S3Server("10.1.2.3:9000").settings_for(settings, "docgen-x")


def test_without_object_lock_a_hold_is_a_tag_and_deletion_is_still_refused(s3_settings: Settings) -> None:
    from docgen.errors import Conflict

    first = make_store(s3_settings)
    assert isinstance(first, S3Store)
    bucket = s3_settings.s3_bucket + "-nolock"
    first.client.make_bucket(bucket)  # an existing bucket made without object lock
    store = S3Store(first.client, bucket)
    assert not store.object_lock

    key = document_key("A-1", "n1", "d1")
    held = store.put(key, sample_pdf("held"))
    store.lock(key, held.version_id)

    assert store.head(key, held.version_id).locked
    with pytest.raises(Conflict):
        store.delete(key, held.version_id)
    assert store.get(key, held.version_id) == sample_pdf("held")
