"""PAdES baseline signatures (pyHanko) and their validation against configured trust roots.

A signature is added as an incremental update: the bytes before it are exactly the bytes that
were signed, so an archival (PDF/A) file stays archival. The council's key comes from a PKCS#12
file or a PKCS#11 token, named in the settings. Without a time-stamp authority the signature is
PAdES B-B (the signing time is the signer's claim); with one configured it is B-T.

Validation never fetches anything: certificates chain to the configured roots or they are
reported as not trusted. For each signature it reports who signed, when, whether the signed bytes
are intact, and whether anything was added to the file after it.
"""

from __future__ import annotations

import asyncio
import io
import logging
import tempfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from docgen.errors import DocgenError, EngineUnavailable, InvalidInput

log = logging.getLogger(__name__)
T = TypeVar("T")

FIELD_PREFIX = "DocgenSignature"
# A visible signature sits bottom left of the last page, clear of the bundle's page stamps
# (bottom right) and of most papers' footers.
VISIBLE_BOX = (36, 6, 300, 36)


def _off_loop(fn: Callable[..., T], *args: Any) -> T:
    """Call ``fn`` here, or in a thread of its own when this thread runs an event loop: pyHanko's
    synchronous calls start their own loop, which a running one forbids (an async route, a test
    under an async runner)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn(*args)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args).result()


class SignatureError(DocgenError):
    def __init__(self, message: str, code: str = "signature_failed"):
        super().__init__(message, code=code, status=422, exit_code=2)


@dataclass(frozen=True)
class SignerConfig:
    """Where the council's key is, and how signatures look. Exactly one of pkcs12 or pkcs11_module."""

    pkcs12: Path | None = None
    pkcs12_password: str | None = None
    pkcs11_module: str | None = None
    pkcs11_token: str | None = None
    pkcs11_pin: str | None = None
    pkcs11_key: str | None = None
    certificate: Path | None = None  # the signing certificate, when the token does not hold it
    chain: tuple[Path, ...] = ()  # intermediate and root certificates to embed
    visible: bool = False
    reason: str = "Issued"
    location: str = ""
    contact: str = ""
    timestamp_url: str | None = None


def _load_cert(path: Path) -> Any:
    from pyhanko.keys import load_cert_from_pemder

    try:
        return load_cert_from_pemder(str(path))
    except (OSError, ValueError) as exc:
        raise InvalidInput(f"{path}: not a readable certificate ({exc})", code="bad_certificate") from None


def load_certs(paths: Sequence[Path]) -> list[Any]:
    from pyhanko.keys import load_certs_from_pemder

    certs: list[Any] = []
    for path in paths:
        try:
            certs.extend(load_certs_from_pemder([str(path)]))
        except (OSError, ValueError) as exc:
            raise InvalidInput(
                f"{path}: not a readable certificate ({exc})", code="bad_certificate"
            ) from None
    return certs


@contextmanager
def _signer(config: SignerConfig) -> Iterator[Any]:
    from pyhanko.sign import signers

    if config.pkcs12 is not None:
        try:
            signer = signers.SimpleSigner.load_pkcs12(
                str(config.pkcs12),
                ca_chain_files=[str(p) for p in config.chain] or None,
                passphrase=config.pkcs12_password.encode() if config.pkcs12_password else None,
            )
        except (OSError, ValueError) as exc:
            raise EngineUnavailable(
                f"the signing key file cannot be opened ({exc})", code="signing_key"
            ) from None
        if signer is None:
            raise EngineUnavailable(
                "the signing key file cannot be opened (wrong password or not PKCS#12)", code="signing_key"
            )
        yield signer
        return
    if config.pkcs11_module:
        from pyhanko.sign.pkcs11 import PKCS11Signer, TokenCriteria, open_pkcs11_session

        try:
            session = open_pkcs11_session(
                config.pkcs11_module,
                token_criteria=TokenCriteria(label=config.pkcs11_token) if config.pkcs11_token else None,
                user_pin=config.pkcs11_pin,
            )
        except Exception as exc:  # python-pkcs11 raises its own family; all mean "no token"
            raise EngineUnavailable(
                f"the signing token cannot be opened ({exc})", code="signing_key"
            ) from None
        try:
            cert = _load_cert(config.certificate) if config.certificate else None
            yield PKCS11Signer(
                session,
                key_label=config.pkcs11_key,
                cert_label=None if cert is not None else config.pkcs11_key,
                signing_cert=cert,
                ca_chain=load_certs(config.chain),
            )
        finally:
            session.close()
        return
    raise EngineUnavailable("no signing certificate is configured", code="signing_not_configured")


def _field_name(pdf: bytes) -> str:
    from pyhanko.pdf_utils.reader import PdfFileReader

    taken = {s.field_name for s in PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures}
    n = 1
    while f"{FIELD_PREFIX}{n}" in taken:
        n += 1
    return f"{FIELD_PREFIX}{n}"


def sign_pdf(pdf: bytes, config: SignerConfig) -> bytes:
    """``pdf`` with one more PAdES signature appended (the earlier bytes are kept unchanged)."""
    return _off_loop(_sign, pdf, config)


def _sign(pdf: bytes, config: SignerConfig) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers, timestamps

    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    except Exception as exc:
        raise SignatureError(f"the PDF cannot be signed: it cannot be read ({exc})") from None
    _producer_as_signer(writer)
    name = _field_name(pdf)
    meta = signers.PdfSignatureMetadata(
        field_name=name,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=config.reason or None,
        location=config.location or None,
        contact_info=config.contact or None,
    )
    last_page = int(writer.root["/Pages"]["/Count"]) - 1
    spec = fields.SigFieldSpec(
        name, on_page=last_page, box=VISIBLE_BOX if config.visible else None, empty_field_appearance=False
    )
    timestamper = timestamps.HTTPTimeStamper(config.timestamp_url) if config.timestamp_url else None
    with _signer(config) as signer, ExitStack() as stack:
        style = stack.enter_context(_stamp_style(signer)) if config.visible else None
        pdf_signer = signers.PdfSigner(
            meta, signer=signer, timestamper=timestamper, stamp_style=style, new_field_spec=spec
        )
        out = io.BytesIO()
        try:
            pdf_signer.sign_pdf(writer, output=out)
        except DocgenError:
            raise
        except Exception as exc:
            log.exception("signing failed")
            raise SignatureError(f"the PDF could not be signed ({type(exc).__name__}: {exc})") from None
    return out.getvalue()


def _producer_as_signer(writer: Any) -> None:
    """pyHanko names itself the producer in the XMP packet it rewrites and appends its name to the
    info dictionary's; the two must agree for PDF/A, so the info dictionary says the same."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.metadata.model import VENDOR

    if writer._info is None:
        return
    info = writer._info.get_object()
    info["/Producer"] = generic.TextStringObject(VENDOR)
    writer.mark_update(writer._info)


def _stamp_pdf(signer_name: str, when: datetime) -> bytes:
    """The visible signature's appearance: a small page drawn by WeasyPrint with an embedded font
    (PDF/A allows no other), imported by pyHanko as the field's appearance."""
    from html import escape

    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    from docgen.render.slot import WEASYPRINT

    width, height = VISIBLE_BOX[2] - VISIBLE_BOX[0], VISIBLE_BOX[3] - VISIBLE_BOX[1]
    html = f"""<style>
      @page {{ size: {width}pt {height}pt; margin: 0 }}
      body {{ margin: 0; font: 7.5pt/1.25 'Liberation Sans', sans-serif; }}
      div {{ box-sizing: border-box; height: {height}pt; border: 0.75pt solid #000; padding: 3pt 5pt; }}
    </style><div>Digitally signed by {escape(signer_name)}<br>{when:%d %B %Y %H:%M} UTC</div>"""
    with WEASYPRINT:
        return bytes(HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=frozenset())).write_pdf())


@contextmanager
def _stamp_style(signer: Any) -> Iterator[Any]:
    from pyhanko.stamp import StaticStampStyle

    cert = signer.signing_cert
    name = cert.subject.native.get("common_name", "") if cert is not None else ""
    with tempfile.TemporaryDirectory(prefix="docgen-stamp-") as folder:
        path = Path(folder) / "stamp.pdf"
        path.write_bytes(_stamp_pdf(name, datetime.now(UTC)))
        yield StaticStampStyle.from_pdf_file(str(path), border_width=0)


# -- validation ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignatureReport:
    field: str
    signer: str
    signed_at: datetime | None
    timestamped: bool
    intact: bool  # the signed bytes are the bytes that were signed
    trusted: bool  # the signer's certificate chains to a configured root
    covers_whole_file: bool  # nothing was added after this signature
    changes_after: str  # "none", or what kind of update came after it
    level: str  # PAdES level reached: B-B, B-T, ...

    @property
    def valid(self) -> bool:
        return self.intact and self.trusted

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["signed_at"] = self.signed_at.isoformat() if self.signed_at else None
        data["valid"] = self.valid
        return data


def validate_signatures(pdf: bytes, trust_roots: Sequence[Path]) -> list[SignatureReport]:
    """Every signature in the file, checked against ``trust_roots``; [] for an unsigned file."""
    return _off_loop(_validate, pdf, trust_roots)


def _validate(pdf: bytes, trust_roots: Sequence[Path]) -> list[SignatureReport]:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = list(reader.embedded_signatures)
    except Exception as exc:
        raise SignatureError(f"the PDF's signatures cannot be read ({exc})", code="bad_signature") from None
    roots = load_certs(trust_roots)
    reports = []
    for sig in signatures:
        context = ValidationContext(trust_roots=roots, allow_fetching=False)
        try:
            status = validate_pdf_signature(sig, context)
        except Exception as exc:  # a signature too broken to evaluate is reported, not raised
            log.info("signature %s unreadable: %r", sig.field_name, exc)
            reports.append(
                SignatureReport(sig.field_name, "", None, False, False, False, False, "unreadable", "")
            )
            continue
        cert = status.signing_cert
        whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        modification = status.modification_level
        timestamped = status.timestamp_validity is not None
        signed_at = (
            status.timestamp_validity.timestamp
            if status.timestamp_validity is not None
            else status.signer_reported_dt
        )
        reports.append(
            SignatureReport(
                field=sig.field_name,
                signer=cert.subject.native.get("common_name", cert.subject.human_friendly) if cert else "",
                signed_at=signed_at,
                timestamped=timestamped,
                intact=bool(status.intact and status.valid),
                trusted=bool(status.trusted),
                covers_whole_file=whole,
                changes_after="none" if whole else (modification.name.lower() if modification else "unknown"),
                level="B-T" if timestamped else "B-B",
            )
        )
    return reports
