"""The published contract: what /openapi.json says is what the service does. Each claim is checked
against a real answer of the service (error bodies, content types, datetimes) or against the
models the service validates with (the case, the bundle spec, the document types' options)."""

from __future__ import annotations

import re
from typing import Any

import jsonschema
import pytest

from docgen.bundles.spec import BundleSpec
from docgen.documents import registry
from docgen.domain.case import Case
from tests.fixtures.api import Service, demo_case, unique_ref

pytestmark = [pytest.mark.redis]
V1 = "/api/v1"
OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


@pytest.fixture(scope="module")
def spec(service: Service) -> dict[str, Any]:
    answer = service.client.get("/openapi.json")
    assert answer.status_code == 200
    return answer.json()


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(m, p, op) for p, ops in spec["paths"].items() for m, op in ops.items()]


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with its components inlined enough for jsonschema to follow the $refs."""
    return {**schema, "components": spec["components"]}


def _validate(spec: dict[str, Any], ref: str, instance: Any) -> None:
    jsonschema.validate(instance, _resolve(spec, {"$ref": ref}))


def test_every_route_has_a_summary_a_description_and_a_stable_operation_id(spec: dict[str, Any]) -> None:
    for method, path, op in _operations(spec):
        assert op.get("summary") and op.get("description"), f"{method} {path}"
        assert re.fullmatch(r"[a-z_]+", op["operationId"]), op["operationId"]
    ids = [op["operationId"] for _m, _p, op in _operations(spec)]
    assert len(ids) == len(set(ids))


def test_a_bearer_key_is_a_security_scheme_not_a_header_parameter(
    service: Service, spec: dict[str, Any]
) -> None:
    schemes = spec["components"]["securitySchemes"]
    assert schemes["bearerApiKey"] == schemes["bearerApiKey"] | {"type": "http", "scheme": "bearer"}
    for method, path, op in _operations(spec):
        names = {p["name"].lower() for p in op.get("parameters", []) if p["in"] == "header"}
        assert not names & {"authorization", "x-api-key"}, f"{method} {path}"
        if path.startswith(V1):
            assert {"bearerApiKey": []} in op["security"], f"{method} {path}"
            assert service.client.request(method, path.replace("{", "x").replace("}", "")).status_code in (
                401,
                405,
            ), f"{method} {path} answers without a key"
    assert "security" not in spec["paths"]["/healthz"]["get"]


def test_every_error_status_is_the_real_error_body(service: Service, spec: dict[str, Any]) -> None:
    for method, path, op in _operations(spec):
        if not path.startswith(V1):
            continue
        for status in ("401", "403", "422", "500", "503"):
            content = op["responses"][status]["content"]["application/json"]["schema"]
            assert content == {"$ref": "#/components/schemas/ErrorPublic"}, f"{method} {path} {status}"
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    # answers the service really gives, checked against the published shape
    answers = [
        service.client.get(f"{V1}/cases"),  # 401
        service.client.get(f"{V1}/cases/NO-SUCH-CASE", headers=service.as_("officer")),  # 404
        service.client.post(f"{V1}/cases", json={"schema": "nope"}, headers=service.as_("officer")),  # 422
        service.client.get(f"{V1}/users", headers=service.as_("officer")),  # 403
        service.client.post(f"{V1}/jobs", json={"items": []}, headers=service.as_("officer")),  # 422
    ]
    assert [a.status_code for a in answers] == [401, 404, 422, 403, 422]
    for answer in answers:
        _validate(spec, "#/components/schemas/ErrorPublic", answer.json())
        assert answer.json()["message"]


def test_case_and_bundle_spec_bodies_are_published_as_the_models(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    create = spec["paths"][f"{V1}/cases"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert create == {"$ref": "#/components/schemas/Case"}
    replace = spec["paths"][f"{V1}/cases/{{case_ref}}"]["put"]["requestBody"]["content"]["application/json"]
    assert replace["schema"] == {"$ref": "#/components/schemas/Case"}
    bundle = spec["paths"][f"{V1}/cases/{{case_ref}}/bundles"]["post"]["requestBody"]["content"]
    assert bundle["application/json"]["schema"] == {"$ref": "#/components/schemas/BundleSpec"}
    assert set(schemas["Case"]["properties"]) == {f.alias or n for n, f in Case.model_fields.items()}
    assert set(schemas["BundleSpec"]["properties"]) == set(BundleSpec.model_fields)
    assert schemas["Case"]["additionalProperties"] is False
    # a sample case passes the published schema, and a float amount does not
    case = demo_case("kingston-sundry-individual")
    _validate(spec, "#/components/schemas/Case", case)
    case["invoices"][0]["net"] = 1865.5
    with pytest.raises(jsonschema.ValidationError):
        _validate(spec, "#/components/schemas/Case", case)


def test_doc_types_engines_and_each_types_options_are_typed(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    ids = sorted(dt.id for dt in registry.all_types())
    assert schemas["JobItemCreate"]["properties"]["doc_type"]["enum"] == ids
    assert schemas["JobItemCreate"]["properties"]["engine"]["anyOf"][0]["enum"] == [
        "html",
        "official",
        "docx",
    ]
    mapping = schemas["GenerateRequest"]["discriminator"]["mapping"]
    assert sorted(mapping) == ids
    for dt in registry.all_types():
        body = schemas[mapping[dt.id].rsplit("/", 1)[1]]
        assert body["properties"]["engine"]["anyOf"][0]["enum"] == list(dt.templates)
        options = schemas[body["properties"]["options"]["$ref"].rsplit("/", 1)[1]]
        assert set(options["properties"]) == {o.name for o in dt.options}, dt.id
        for option in dt.options:
            published = options["properties"][option.name]
            if option.kind == "choice":
                assert published["enum"] == [v for v, _ in option.choices]
            if option.kind == "date":
                assert published["format"] == "date"
            if option.kind == "yes_no":
                assert published["enum"] == ["yes", "no"]
    path = spec["paths"][f"{V1}/document-types/{{doc_type}}"]["get"]["parameters"]
    assert next(p for p in path if p["name"] == "doc_type")["schema"]["enum"] == ids


def test_downloads_are_application_pdf(service: Service, spec: dict[str, Any]) -> None:
    for path in (
        f"{V1}/documents/{{document_id}}/download",
        f"{V1}/documents/{{document_id}}/versions/{{number}}/download",
    ):
        content = spec["paths"][path]["get"]["responses"]["200"]["content"]
        assert list(content) == ["application/pdf"]
    ref = unique_ref("OA")
    officer = service.as_("officer")
    assert (
        service.client.post(
            f"{V1}/cases", json=demo_case("kingston-sundry-individual", ref), headers=officer
        ).status_code
        == 201
    )
    made = service.client.post(
        f"{V1}/cases/{ref}/documents",
        json={"doc_type": "letter_before_claim", "as_of": "2025-06-02"},
        headers=officer,
    )
    assert made.status_code == 201, made.text
    _validate(spec, "#/components/schemas/GeneratedPublic", made.json())
    pdf = service.client.get(made.json()["version"]["download_url"], headers=officer)
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_datetimes_carry_an_offset_everywhere(service: Service, spec: dict[str, Any]) -> None:
    ref = unique_ref("TZ")
    officer = service.as_("officer")
    created = service.client.post(
        f"{V1}/cases", json=demo_case("kingston-sundry-individual", ref), headers=officer
    )
    found = [created.json()]
    found.append(service.client.get(f"{V1}/cases/{ref}", headers=officer).json())
    found.append(service.client.get(f"{V1}/cases", headers=officer).json())
    found.append(service.client.get(f"{V1}/users", headers=service.as_("admin")).json())
    stamps: list[str] = []

    def walk(value: Any, key: str = "") -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str) and key.endswith(("_at", "at")) and "T" in value:
            stamps.append(value)

    walk(found)
    assert stamps
    assert all(OFFSET.match(s) for s in stamps), [s for s in stamps if not OFFSET.match(s)]
    for name, schema in spec["components"]["schemas"].items():
        for field, prop in schema.get("properties", {}).items():
            if field.endswith("_at"):
                text = str(prop)
                assert "date-time" in text, f"{name}.{field}"


def test_the_docs_pages_use_only_assets_served_here(service: Service) -> None:
    for page in ("/docs", "/redoc"):
        html = service.client.get(page).text
        urls = re.findall(r"""(?:src|href)=["']([^"']+)["']|url:\s*["']([^"']+)["']""", html)
        flat = [u for pair in urls for u in pair if u]
        assert flat, page
        assert not [u for u in flat if re.match(r"^(https?:)?//", u)], f"{page} loads from elsewhere: {flat}"
        for url in flat:
            answer = service.client.get(url)
            # the start-up script of Swagger UI is a small file of its own (no inline script)
            small = url.endswith((".json", "-init.js"))
            assert answer.status_code == 200 and (len(answer.content) > 1000 or small), url
            assert b"cdn.redoc.ly" not in answer.content, url
