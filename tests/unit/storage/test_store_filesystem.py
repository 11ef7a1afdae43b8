"""What only the filesystem store promises: files on disk, atomic, numbers never reused."""

from __future__ import annotations

import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from docgen.storage import FilesystemStore, document_key
from tests.fixtures.storage import sample_pdf

KEY = document_key("A-1", "n1", "doc1")


def test_versions_are_read_only_files_with_sortable_ids(tmp_path: Path) -> None:
    store = FilesystemStore(tmp_path)
    ids = [store.put(KEY, sample_pdf(str(i))).version_id for i in range(3)]

    assert ids == ["00000001", "00000002", "00000003"]
    data = tmp_path / "cases" / "A-1" / "n1" / "doc1.pdf" / "00000002.data"
    assert data.read_bytes() == sample_pdf("1")
    assert not data.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert not list(data.parent.glob(".incoming-*"))


def test_a_deleted_version_number_is_never_handed_out_again(tmp_path: Path) -> None:
    store = FilesystemStore(tmp_path)
    store.put(KEY, sample_pdf("a"))
    second = store.put(KEY, sample_pdf("b"))
    store.delete(KEY, second.version_id)

    third = store.put(KEY, sample_pdf("c"))
    assert third.version_id == "00000003"
    assert [v.version_id for v in store.list_versions(KEY)] == ["00000001", "00000003"]


def test_concurrent_writers_never_share_a_version(tmp_path: Path) -> None:
    store = FilesystemStore(tmp_path)
    with ThreadPoolExecutor(max_workers=8) as pool:
        stored = list(pool.map(lambda i: store.put(KEY, sample_pdf(f"w{i}")), range(24)))

    assert len({s.version_id for s in stored}) == 24
    for item in stored:
        assert store.head(KEY, item.version_id).sha256 == item.sha256


@pytest.mark.parametrize("damage", ["missing", "empty", "torn"])
def test_a_version_whose_metadata_was_lost_is_described_from_its_bytes(tmp_path: Path, damage: str) -> None:
    store = FilesystemStore(tmp_path)
    stored = store.put(KEY, sample_pdf("a"))
    meta = tmp_path / "cases" / "A-1" / "n1" / "doc1.pdf" / "00000001.meta.json"
    if damage == "missing":
        meta.unlink()
    else:
        meta.write_text("" if damage == "empty" else meta.read_text()[:20])

    head = store.head(KEY, stored.version_id)
    assert (head.sha256, head.size) == (stored.sha256, stored.size)
