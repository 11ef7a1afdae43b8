"""The storage contract, run unchanged against every store_backend."""

from __future__ import annotations

import hashlib
import io
import urllib.request
from datetime import timedelta

import pytest
from pypdf import PdfReader

from docgen.errors import Conflict, NotFound
from docgen.storage import StorageNotSupported, document_key
from tests.fixtures.storage import Backend, sample_pdf

KEY = document_key("CRO/SUN/2022-5520", "letter_of_claim", "d0c0ffee00000001")


def test_put_then_get_returns_the_same_bytes_and_records_the_sha256(store_backend: Backend) -> None:
    pdf = sample_pdf("first")
    stored = store_backend.store.put(KEY, pdf, {"document-id": "d0c0ffee00000001"})

    assert stored.sha256 == hashlib.sha256(pdf).hexdigest()
    assert stored.size == len(pdf)
    assert stored.version_id
    assert store_backend.store.get(KEY, stored.version_id) == pdf
    head = store_backend.store.head(KEY, stored.version_id)
    assert head.metadata["sha256"] == stored.sha256
    assert head.metadata["document-id"] == "d0c0ffee00000001"
    assert head.size == len(pdf)
    assert not head.locked
    assert len(PdfReader(io.BytesIO(store_backend.store.get(KEY))).pages) == 1


def test_every_version_is_kept_and_listed_oldest_first(store_backend: Backend) -> None:
    first = store_backend.store.put(KEY, sample_pdf("one"))
    second = store_backend.store.put(KEY, sample_pdf("two", pages=2))

    versions = store_backend.store.list_versions(KEY)
    assert [v.version_id for v in versions] == [first.version_id, second.version_id]
    assert first.version_id != second.version_id
    assert store_backend.store.get(KEY) == sample_pdf("two", pages=2)
    assert store_backend.store.get(KEY, first.version_id) == sample_pdf("one")
    assert [v.sha256 for v in versions] == [first.sha256, second.sha256]


def test_a_stream_is_stored_and_read_back_in_chunks(store_backend: Backend) -> None:
    payload = sample_pdf("big", pages=40)
    stored = store_backend.store.put(KEY, io.BytesIO(payload))

    chunks = list(store_backend.store.open_stream(KEY, stored.version_id, chunk_size=1024))
    assert len(chunks) > 1
    assert b"".join(chunks) == payload
    assert stored.sha256 == hashlib.sha256(payload).hexdigest()


def test_a_locked_version_refuses_deletion_and_an_unlocked_one_goes(store_backend: Backend) -> None:
    kept = store_backend.store.put(KEY, sample_pdf("issued"))
    draft = store_backend.store.put(KEY, sample_pdf("draft"))
    store_backend.store.lock(KEY, kept.version_id)

    with pytest.raises(Conflict) as refused:
        store_backend.store.delete(KEY, kept.version_id)
    assert refused.value.code == "locked"
    assert store_backend.store.head(KEY, kept.version_id).locked
    assert store_backend.store.get(KEY, kept.version_id) == sample_pdf("issued")

    store_backend.store.delete(KEY, draft.version_id)
    with pytest.raises(NotFound):
        store_backend.store.get(KEY, draft.version_id)
    assert [v.version_id for v in store_backend.store.list_versions(KEY)] == [kept.version_id]


def test_a_new_put_never_replaces_a_locked_version(store_backend: Backend) -> None:
    issued = store_backend.store.put(KEY, sample_pdf("issued"))
    store_backend.store.lock(KEY, issued.version_id)
    later = store_backend.store.put(KEY, sample_pdf("changed"))

    assert later.version_id != issued.version_id
    assert store_backend.store.get(KEY, issued.version_id) == sample_pdf("issued")


def test_missing_objects_and_versions_are_not_found(store_backend: Backend) -> None:
    with pytest.raises(NotFound):
        store_backend.store.get(document_key("X1", "n1", "nope"))
    stored = store_backend.store.put(KEY, sample_pdf("x"))
    with pytest.raises(NotFound):
        store_backend.store.head(
            KEY, "99999999" if store_backend.store_kind == "filesystem" else "no-such-version"
        )
    assert store_backend.store.head(KEY).version_id == stored.version_id


def test_iter_objects_lists_every_version_under_a_prefix(store_backend: Backend) -> None:
    other = document_key("OTHER-1", "n1", "d2")
    store_backend.store.put(KEY, sample_pdf("a"))
    store_backend.store.put(KEY, sample_pdf("b"))
    store_backend.store.put(other, sample_pdf("c"))

    everything = list(store_backend.store.iter_objects("cases/"))
    assert sorted(o.key for o in everything) == sorted([KEY, KEY, other])
    only_one_case = list(store_backend.store.iter_objects("cases/OTHER-1/"))
    assert [o.key for o in only_one_case] == [other]


def test_presigned_urls_where_the_backend_supports_them(store_backend: Backend) -> None:
    stored = store_backend.store.put(KEY, sample_pdf("shared"))
    if store_backend.store_kind == "filesystem":
        with pytest.raises(StorageNotSupported) as refused:
            store_backend.store.presigned_url(KEY, stored.version_id, timedelta(minutes=5))
        assert refused.value.code == "storage_not_supported"
        return
    url = store_backend.store.presigned_url(KEY, stored.version_id, timedelta(minutes=5))
    assert stored.version_id in url
    store_backend.store.put(KEY, sample_pdf("later"))
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.read() == sample_pdf("shared")
