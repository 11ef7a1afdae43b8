"""The production compose file and Dockerfile, checked without a Docker engine.

The full compose-spec schema is not vendored (it would be fetched from the network); instead a
small JSON schema states the structure this deployment relies on, and the cross-references
(dependencies, volumes, settings names) are checked against the real code."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from docgen.config import PROJECT_ROOT, Settings

COMPOSE = PROJECT_ROOT / "docker-compose.yml"
DOCKERFILE = PROJECT_ROOT / "Dockerfile"
LONG_RUNNING = ("api", "worker", "redis", "postgres", "minio")

_HEALTHCHECK = {
    "type": "object",
    "required": ["test", "interval", "timeout", "retries"],
    "properties": {"test": {"type": "array", "minItems": 2, "items": {"type": "string"}}},
}
_SERVICE = {
    "type": "object",
    "anyOf": [{"required": ["image"]}, {"required": ["build"]}],
    "properties": {
        "environment": {"type": "object", "additionalProperties": {"type": ["string", "number", "boolean"]}},
        "volumes": {"type": "array", "items": {"type": "string", "pattern": "^[a-z0-9-]+:/"}},
        "depends_on": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "required": ["condition"],
                "properties": {"condition": {"enum": ["service_healthy", "service_completed_successfully"]}},
            },
        },
        "healthcheck": _HEALTHCHECK,
        "command": {"type": "array", "items": {"type": "string"}},
    },
}
SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["services", "volumes"],
    "properties": {
        "services": {
            "type": "object",
            "required": [*LONG_RUNNING, "minio-init"],
            "additionalProperties": _SERVICE,
            "properties": {name: {"required": ["healthcheck", "restart"]} for name in LONG_RUNNING},
        },
        "volumes": {"type": "object"},
    },
}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return data


def test_compose_has_the_structure_the_deployment_relies_on(compose: dict[str, Any]) -> None:
    jsonschema.validate(compose, SCHEMA)


def test_every_dependency_and_named_volume_exists(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name, service in services.items():
        for needed in service.get("depends_on", {}):
            assert needed in services, f"{name} depends on unknown service {needed}"
        for mount in service.get("volumes", []):
            assert mount.split(":")[0] in compose["volumes"], f"{name} mounts an undeclared volume {mount}"


def test_the_environment_names_real_settings_and_makes_valid_production_settings(
    compose: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    env = compose["services"]["api"]["environment"]
    assert env == compose["services"]["worker"]["environment"], "api and worker must share their settings"
    fields = set(Settings.model_fields)
    for name, value in env.items():
        assert name.startswith("DOCGEN_") and name[7:].lower() in fields, f"{name} is not a setting"
        # fill each ${VAR:?message} / ${VAR:-default} the way docker compose would
        filled = re.sub(r"\$\{(\w+):[?-]([^}]*)\}", lambda m: f"{m.group(1).lower()}-value", str(value))
        monkeypatch.setenv(name, filled)
    settings = Settings()
    assert settings.environment == "production" and settings.storage_backend == "s3"
    assert settings.s3_secure is False and settings.sqlalchemy_url.startswith("postgresql+psycopg://")
    assert settings.celery_broker_url == "redis://redis:6379/0"


def test_no_secret_has_a_default(compose: dict[str, Any]) -> None:
    text = COMPOSE.read_text()
    for secret in ("DOCGEN_SECRET_KEY", "POSTGRES_PASSWORD", "MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD"):
        uses = re.findall(r"\$\{" + secret + r"(:[?-])?", text)
        assert uses and all(u == ":?" for u in uses), f"{secret} must be required, never defaulted"


def test_the_register_is_migrated_once_before_the_api_and_workers_start(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert services["migrate"]["command"] == ["docgen", "migrate"]
    assert services["migrate"]["environment"] == services["api"]["environment"]
    for name in ("api", "worker"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}


def test_the_worker_runs_this_projects_celery_app_and_the_bucket_gets_object_lock(
    compose: dict[str, Any],
) -> None:
    worker = compose["services"]["worker"]
    assert worker["command"][:3] == ["celery", "-A", "docgen.jobs.tasks"]
    init = " ".join(compose["services"]["minio-init"]["entrypoint"])
    assert "--with-lock" in init and "version enable" in init
    import importlib

    assert importlib.import_module("docgen.jobs.tasks").generate_job.name == "docgen.generate"


def test_the_image_has_libreoffice_fonts_and_the_harfbuzz_subsetter() -> None:
    text = DOCKERFILE.read_text()
    for package in (
        "libreoffice-writer-nogui",
        "libharfbuzz-subset0",
        "fonts-dejavu-core",
        "fonts-liberation2",
    ):
        assert re.search(rf"\b{re.escape(package)}\b", text), package
    assert re.search(r"^USER (?!root)\w+", text, re.M), "the image must not run as root"
    cmd = re.search(r"^CMD \[(.*)\]$", text, re.M)
    assert cmd and '"api.asgi:app"' in cmd.group(1)
    assert (Path(PROJECT_ROOT) / "api" / "asgi.py").is_file()
