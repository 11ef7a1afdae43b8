"""The one settings object. Nothing else in docgen reads the environment."""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
#: a source checkout (tests, ``make run``) rather than an installed wheel
IN_SOURCE_TREE = (PROJECT_ROOT / "pyproject.toml").is_file()


def shipped(name: str) -> Path:
    """``templates`` or ``forms``: the top-level folder of a source checkout, or the package data of an
    installed wheel (``docgen.templates``, ``docgen.forms``), found through importlib.resources."""
    if IN_SOURCE_TREE:
        return PROJECT_ROOT / name
    from importlib.resources import files

    return Path(str(files(f"docgen.{name}")))


def _default_data_dir() -> Path:
    # beside the checkout while developing; the user's data folder for an installed docgen
    return PROJECT_ROOT / "var" if IN_SOURCE_TREE else Path.home() / ".local" / "share" / "docgen"


_PLACEHOLDER_SECRETS = {"", "changeme", "change-me", "secret", "dev-secret-not-for-production"}
#: where a secret generated on first start is kept, inside the data folder
SECRET_FILE = "secret.key"


def _data_dir_secret(data_dir: Path) -> str:
    """The data folder's own random secret, made on first use and kept (mode 0600) so that API
    keys and sessions survive a restart. Two processes starting at once agree on one secret: the
    file appears whole or not at all (written aside, then linked into place)."""
    path = data_dir / SECRET_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        aside = data_dir / f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(48) + "\n")
        try:
            os.link(aside, path)
        except FileExistsError:
            pass  # another process was first: its secret stands
        finally:
            aside.unlink()
    value = path.read_text().strip()
    if len(value) < 32:
        raise ValueError(f"{path} holds no usable secret; remove it to make a new one")
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DOCGEN_", env_file=None, extra="ignore")

    environment: Literal["development", "test", "production"] = "development"

    # Where the project's own templates and court-form layouts live. The HTML renderer may fetch
    # nothing outside these two folders.
    templates_dir: Path = Field(default_factory=lambda: shipped("templates"))
    forms_dir: Path = Field(default_factory=lambda: shipped("forms"))
    # Official HMCTS PDFs installed by a deployment (never committed). Unset: official engine unavailable.
    official_forms_dir: Path | None = None

    # Embedded defaults: everything under one data folder, no external servers.
    data_dir: Path = Field(default_factory=_default_data_dir)
    database_url: str | None = None  # default sqlite:///<data_dir>/register.sqlite3

    storage_backend: Literal["filesystem", "s3"] = "filesystem"
    s3_endpoint: str = "localhost:9000"
    s3_access_key: str = ""
    s3_secret_key: str = ""
    s3_bucket: str = "docgen"
    s3_secure: bool = False
    s3_region: str = "us-east-1"

    broker_url: str | None = None  # default: filesystem broker under data_dir
    result_backend: str | None = None
    worker_max_tasks_per_child: int = 200
    #: a running job's worker says it is alive every quarter lease; a job not heard of for a whole
    #: lease is taken up by another worker from its first item without a version, at most
    #: ``job_max_resumes`` times before it ends failed with the reason
    job_lease_s: int = 60
    job_max_resumes: int = 3
    #: a job meeting an unavailable store or database is tried again with backoff this many times
    job_max_retries: int = 12
    worker_max_memory_per_child_kb: int = 400_000

    #: signs sessions and peppers API-key hashes. Required in production; elsewhere, when unset, a
    #: random one is generated into the data folder on first start.
    secret_key: str = ""
    council: str = "default"

    # The render pool: worker processes that render one document at a time each, every render
    # limited in time and memory from outside (the worker is killed), workers recycled by count and
    # memory; sync requests that would wait longer than render_max_wait_s are refused at once.
    render_workers: int = 0  # 0: one per core
    render_timeout_s: float = 30.0
    render_memory_mb: int = 1024
    render_recycle_after: int = 500
    render_recycle_memory_mb: int = 400
    render_max_wait_s: float = 1.5
    #: how much lower the render workers' CPU priority is than the API's (Unix nice, 0-19): a
    #: request that is only authenticated, refused or answered from the register never waits on a
    #: core behind renders; renders still have every core whenever the API is idle
    render_nice: int = 5

    libreoffice_path: str = "soffice"
    libreoffice_timeout_s: float = 60.0
    libreoffice_restart_after: int = 200
    #: LibreOffice runs with no network and sees only its own folder: "bwrap" requires the sandbox,
    #: "auto" uses it wherever bubblewrap works (and logs a warning where it does not), "off" never
    libreoffice_sandbox: Literal["auto", "bwrap", "off"] = "auto"

    # Archival finishing. PDF/A-3b (case data attached) for every paper and PDF/A-2b for bundles;
    # OCR adds a text layer to scanned bundle pages (Tesseract, languages joined by "+").
    pdfa: bool = True
    ocr: bool = True
    ocr_languages: str = "eng+cym"
    ocr_timeout_s: float = 180.0
    #: keep each file's OCR in the object store (under ocr/), so that the same scan is read once
    ocr_cache: bool = True

    # PAdES signatures on issue, with the council's key: a PKCS#12 file, or a PKCS#11 token (its
    # module, token label, PIN and key label; the certificate from a file when the token lacks it).
    # Signing is on when either is set. Trust roots: PEM/DER files that `verify` accepts as anchors.
    signing_pkcs12: Path | None = None
    signing_pkcs12_password: str | None = Field(default=None, repr=False)
    signing_pkcs11_module: str | None = None
    signing_pkcs11_token: str | None = None
    signing_pkcs11_pin: str | None = Field(default=None, repr=False)
    signing_pkcs11_key: str | None = None
    signing_certificate: Path | None = None
    signing_chain: list[Path] = Field(default_factory=list)
    signing_visible: bool = False
    signing_reason: str = "Issued"
    signing_location: str = ""
    signing_timestamp_url: str | None = None
    trust_roots: list[Path] = Field(default_factory=list)

    max_upload_bytes: int = 50 * 1024 * 1024
    #: an import's files together, and the most case rows one import may hold
    max_import_bytes: int = 50 * 1024 * 1024
    max_import_rows: int = 20_000
    #: failed sign-ins or unrecognised API keys from one client address in a minute before it is
    #: refused (429) until the minute has passed
    auth_failures_per_minute: int = 10
    max_upload_pages: int = 2000
    bundle_volume_pages: int = 300
    #: a bundle with more scanned pages than this to read for text (OCR, a few seconds a page) is
    #: built by a worker as a job with progress, not while the API or a page waits for it
    bundle_job_scanned_pages: int = Field(default=5, ge=0)

    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_sender: str = "docgen@localhost"
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False

    # `docgen serve` (and `make run`): where the API listens. DOCGEN_HOST / DOCGEN_PORT, or --host / --port.
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)

    api_base_url: str = "http://127.0.0.1:8000"

    # job callbacks (docgen.services.callbacks): the signing secret (default: derived from
    # secret_key), the hosts callbacks may go to in production, and the delivery policy
    callback_secret: str | None = None
    callback_hosts: list[str] = Field(default_factory=list)
    callback_timeout_s: float = 10.0
    callback_attempts: int = Field(default=8, ge=1, le=20)
    callback_backoff_s: float = Field(default=2.0, gt=0)
    extra: dict[str, str] = Field(default_factory=dict)

    # Write-off policies. Councils' own policy files (<id>.json) live in these folders, searched
    # before the shipped examples. A council uses only the policies mapped to it here (by the
    # creditor name its cases give), or, when it is not mapped, those whose file names it; a policy
    # is always chosen by id from that set, never by path, and nothing falls back to an example.
    policy_dirs: list[Path] = Field(default_factory=list)
    write_off_policies: dict[str, list[str]] = Field(default_factory=dict)

    # Courts by postcode, for cases that do not record their own: a key is an outward code ("SE25")
    # or a postcode area ("CR"), the outward code winning. hearing_centres: the County Court hearing
    # centre for an address (e.g. the dwelling of a council tax charging order); insolvency_courts:
    # the court for bankruptcy proceedings of a debtor living there (a County Court hearing centre,
    # or the High Court for the London insolvency district).
    hearing_centres: dict[str, str] = Field(default_factory=dict)
    insolvency_courts: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> Settings:
        if self.secret_key in _PLACEHOLDER_SECRETS:
            if self.environment == "production":
                raise ValueError("DOCGEN_SECRET_KEY must be set to a real secret in production")
            # never a secret anyone else knows: the data folder's own random one
            self.secret_key = _data_dir_secret(self.data_dir)
        return self

    @property
    def signing_enabled(self) -> bool:
        return self.signing_pkcs12 is not None or bool(self.signing_pkcs11_module)

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'register.sqlite3'}"

    @property
    def storage_dir(self) -> Path:
        return self.data_dir / "objects"

    @property
    def celery_broker_url(self) -> str:
        return self.broker_url or "filesystem://"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
