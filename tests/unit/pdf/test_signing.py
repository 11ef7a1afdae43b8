"""PAdES signatures made with the tests' own CA, checked by pyHanko's validator and, independently,
by recomputing the signed digest and the RSA signature with hashlib, asn1crypto and cryptography."""

from __future__ import annotations

import hashlib
import io
import re
import subprocess
from pathlib import Path

import pikepdf
import pytest
from asn1crypto import cms
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from docgen.pdf.pdfa import ArchiveInfo, check_pdfa, make_pdfa
from docgen.pdf.signing import SignerConfig, sign_pdf, validate_signatures
from tests.fixtures.pdfs import make_pdf
from tests.fixtures.signing import SoftToken, TestPki


@pytest.fixture(scope="module")
def archival() -> bytes:
    return make_pdfa(make_pdf(2, label="order"), ArchiveInfo(title="Order"))


def pkcs12(pki: TestPki, **extra: object) -> SignerConfig:
    return SignerConfig(pkcs12=pki.pfx, pkcs12_password=pki.password, **extra)  # type: ignore[arg-type]


def independent_check(pdf: bytes, signer_pem: Path) -> None:
    """The last signature's /ByteRange digest equals the CMS messageDigest, and the signer's key
    really signed the signed attributes: worked out without pyHanko."""
    ranges = re.findall(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", pdf)
    a, b, c, d = (int(x) for x in ranges[-1])
    covered = pdf[a : a + b] + pdf[c : c + d]
    contents_hex = pdf[a + b + 1 : c - 1]
    signed_data = cms.ContentInfo.load(bytes.fromhex(contents_hex.decode()))["content"]
    info = signed_data["signer_infos"][0]
    attrs = {attr["type"].native: attr["values"][0].native for attr in info["signed_attrs"]}
    assert attrs["message_digest"] == hashlib.sha256(covered).digest()
    cert = x509.load_pem_x509_certificate(signer_pem.read_bytes())
    cert.public_key().verify(  # type: ignore[union-attr]
        info["signature"].native,
        info["signed_attrs"].untag().dump(),
        padding.PKCS1v15(),
        hashes.SHA256(),
    )


def test_an_invisible_signature_is_valid_and_keeps_the_file_archival(archival: bytes, pki: TestPki) -> None:
    signed = sign_pdf(archival, pkcs12(pki))
    assert signed.startswith(archival)  # an incremental update: the signed bytes are the original's
    [report] = validate_signatures(signed, [pki.root_pem])
    assert report.signer == pki.signer_name
    assert report.intact and report.trusted and report.valid
    assert report.covers_whole_file and report.changes_after == "none"
    assert report.level == "B-B" and report.signed_at is not None
    independent_check(signed, pki.signer_pem)
    assert check_pdfa(signed).problems == []
    with pikepdf.open(io.BytesIO(signed)) as doc:
        sig = doc.Root.AcroForm.Fields[0]
        assert str(sig.V.SubFilter) == "/ETSI.CAdES.detached"  # PAdES, not adbe.pkcs7


def test_a_visible_signature_shows_who_signed_in_an_embedded_font(
    archival: bytes, pki: TestPki, tmp_path: Path
) -> None:
    signed = sign_pdf(archival, pkcs12(pki, visible=True))
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    text = subprocess.run(
        ["pdftotext", "-f", "2", "-l", "2", str(path), "-"], capture_output=True, text=True
    ).stdout
    assert f"Digitally signed by {pki.signer_name}" in text
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout.splitlines()[2:]
    assert fonts and all(row.split()[-5] == "yes" for row in fonts)
    assert check_pdfa(signed).problems == []
    assert validate_signatures(signed, [pki.root_pem])[0].valid


def test_an_unknown_root_is_intact_but_not_trusted(archival: bytes, pki: TestPki, other_pki: TestPki) -> None:
    signed = sign_pdf(archival, pkcs12(other_pki))
    [report] = validate_signatures(signed, [pki.root_pem])
    assert report.intact and not report.trusted and not report.valid
    assert report.signer == "Someone Else"


def test_changed_bytes_are_found(archival: bytes, pki: TestPki) -> None:
    signed = sign_pdf(archival, pkcs12(pki))
    at = signed.index(b"/Title")
    tampered = signed[:at] + b"/Titlf" + signed[at + 6 :]
    [report] = validate_signatures(tampered, [pki.root_pem])
    assert not report.intact and not report.valid


def test_a_later_signature_shows_the_earlier_one_no_longer_covers_the_file(
    archival: bytes, pki: TestPki
) -> None:
    twice = sign_pdf(sign_pdf(archival, pkcs12(pki)), pkcs12(pki))
    first, second = validate_signatures(twice, [pki.root_pem])
    assert (first.field, second.field) == ("DocgenSignature1", "DocgenSignature2")
    assert first.valid and not first.covers_whole_file and first.changes_after != "none"
    assert second.valid and second.covers_whole_file


def test_an_unsigned_file_has_no_signatures(archival: bytes, pki: TestPki) -> None:
    assert validate_signatures(archival, [pki.root_pem]) == []


def test_a_key_on_a_pkcs11_token_signs(archival: bytes, pki: TestPki, soft_token: SoftToken) -> None:
    config = SignerConfig(
        pkcs11_module=soft_token.module,
        pkcs11_token=soft_token.label,
        pkcs11_pin=soft_token.pin,
        pkcs11_key=soft_token.key_label,
        certificate=pki.signer_pem,
        chain=(pki.root_pem,),
    )
    signed = sign_pdf(archival, config)
    [report] = validate_signatures(signed, [pki.root_pem])
    assert report.valid and report.signer == pki.signer_name
    independent_check(signed, pki.signer_pem)
