from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docgen.errors import InvalidInput
from docgen.storage import check_key, document_key, upload_key
from docgen.storage.keys import case_ref_from_segment


def test_document_keys_follow_the_layout_and_encode_slashes_in_case_refs() -> None:
    key = document_key("HIL/CTX/2019-77102", "n379", "abc123")
    assert key == "cases/HIL%2FCTX%2F2019-77102/n379/abc123.pdf"
    assert case_ref_from_segment(key.split("/")[1]) == "HIL/CTX/2019-77102"
    assert document_key("A1", "n1", "abc123", "docx").endswith("/n1/abc123.docx")


def test_upload_keys_are_named_by_content() -> None:
    sha = hashlib.sha256(b"evidence").hexdigest()
    assert upload_key("A1", sha, ".PDF") == f"cases/A1/uploads/{sha}.pdf"


@pytest.mark.parametrize("case_ref", ["..", "../etc", "a/../b", "", "x" * 41, "A B", "a\\b", "£1"])
def test_unsafe_case_refs_are_refused_naming_the_field(case_ref: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        document_key(case_ref, "n1", "abc")
    assert refused.value.problems[0].path == "case_ref"


@pytest.mark.parametrize(
    "key", ["../x/y", "/abs/key", "cases//x", "cases/./x", "cases/x/..", "a\\b/c", "single"]
)
def test_check_key_refuses_keys_that_could_escape_the_store(key: str) -> None:
    with pytest.raises(InvalidInput):
        check_key(key)


def test_uploads_cannot_be_shadowed_by_a_document_type() -> None:
    with pytest.raises(InvalidInput):
        document_key("A1", "uploads", "abc")


@given(st.from_regex(r"[A-Za-z0-9/_.-]{1,40}", fullmatch=True))
def test_any_accepted_case_ref_gives_a_key_inside_its_own_case_folder(case_ref: str) -> None:
    try:
        key = document_key(case_ref, "n1", "abc")
    except InvalidInput:
        return  # refused outright ('..', only dots): nothing to check
    assert check_key(key) == key
    parts = key.split("/")
    assert len(parts) == 4 and parts[0] == "cases"
    assert case_ref_from_segment(parts[1]) == case_ref
    assert parts[1] not in (".", "..")
