"""The API's published contract (OpenAPI 3.1 at /openapi.json; Swagger UI at /docs and ReDoc at
/redoc, both served from a package so they work with no internet).

FastAPI derives the paths and bodies from the routes; this module adds what an integrator needs
and the routes cannot say for themselves: the bearer API-key security scheme, the ``docgen.case/1``
and bundle-spec models behind the bodies that routes read as plain JSON, ``doc_type`` and
``engine`` as enums with each document type's options typed, the real error body on every
error status, ``application/pdf`` on downloads, and a summary and description on every route
(kept here in one table; a route missing from it keeps FastAPI's summary and its docstring, and a
route with neither fails a test)."""

from __future__ import annotations

import copy
import re
from functools import lru_cache
from importlib import resources
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles

from docgen.documents import registry
from docgen.documents.base import OptionSpec
from docgen.reference_docs import component_schemas

ASSETS_URL = "/docs-assets"
REDOC_JS_URL = "/docs-redoc.js"
SWAGGER_INIT_URL = "/docs-swagger-init.js"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)
REDOC_OUTSIDE_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"
ENGINES = ["html", "official", "docx"]
OPTION_MONEY_PATTERN = r"^£?[0-9][0-9,]*(\.[0-9]{1,2})?$"

TAGS = [
    {
        "name": "cases",
        "description": "Case records (docgen.case/1): create, replace, read, search; facts and eligibility.",
    },
    {
        "name": "documents",
        "description": "Generate a paper now, list and read versions, download the PDF, issue.",
    },
    {"name": "jobs", "description": "Many papers as a job: submit, then poll or be called back."},
    {
        "name": "document types",
        "description": "What docgen can make, with each type's engines and typed options.",
    },
    {"name": "bundles", "description": "Court bundles from stored versions and uploads."},
    {"name": "uploads", "description": "Evidence files for a case."},
    {"name": "shares", "description": "Sharing a case with a legal partner's organisation."},
    {"name": "approvals", "description": "Write-off approvals within a manager's delegated limit."},
    {"name": "panel packs", "description": "Debt-panel packs for a meeting."},
    {"name": "users", "description": "Users and API keys (admins); who am I."},
    {"name": "health", "description": "Liveness and readiness, for load balancers (no key needed)."},
]

#: operationId (the route function's name) -> (summary, description)
ROUTE_DOCS: dict[str, tuple[str, str]] = {
    "healthz": ("Liveness", "Answers 200 while the process runs. Needs no key."),
    "readyz": (
        "Readiness",
        "200 when the register and the object store answer, 503 with the failing check otherwise. Needs no key.",
    ),
    "list_types": ("List document types", "Every paper docgen can make, with its engines and typed options."),
    "get_type": ("Get a document type", "One document type, with its engines and typed options."),
    "create_user": (
        "Create a user",
        "Admins only. The answer carries the new user's API key: it is shown once and kept nowhere.",
    ),
    "list_users": ("List users", "Admins only. Never shows keys."),
    "me": ("Who am I", "The user the key belongs to: name, role, organisation and approval limit."),
    "submit": (
        "Submit a job",
        "Queue many papers at once; answers 202 with the job to poll at its Location. Sending the same "
        "Idempotency-Key again returns the first job and queues nothing. With `callback_url`, docgen "
        "POSTs the finished job there, signed (see the X-Docgen-Signature header in docs/API.md), "
        "retrying with backoff.",
    ),
    "get_job": ("Get a job", "Its status, progress, result (per item) and errors."),
    "generate": (
        "Generate a paper now",
        "Render one paper for the case and store it as a new version (201). Unchanged inputs return "
        "the existing version (200, `stored` false). A paper the law does not allow answers 409 with "
        "the reasons; unknown or malformed options answer 422 naming the valid ones. When the render "
        "pool is busy: 429 with Retry-After, or 202 and a job when the request says "
        "`Prefer: respond-async`.",
    ),
    "list_documents": ("List a case's documents", "Every stored document of the case, with all versions."),
    "get_document": ("Get a document", "The document and all its versions."),
    "get_version": ("Get a version", "One stored version: checksum, engine, options, who made it and when."),
    "download_latest": (
        "Download the newest version",
        "The PDF of the newest version, streamed, with its sha256 as ETag (If-None-Match answers 304).",
    ),
    "download_version": (
        "Download a version",
        "The PDF of that version, streamed, with its sha256 as ETag (If-None-Match answers 304).",
    ),
    "issue": (
        "Issue a version",
        "Mark a version filed or served: from then on it can never be changed or deleted. For a "
        "letter, a claim or a demand, record_event names the case event that records it (its kind, "
        "prefilled fields and where to post it), so the next steps follow.",
    ),
    "upload": (
        "Upload evidence",
        "Send the file itself as the body (its Content-Type) and its name as ?filename=. Refused with "
        "413 as soon as it passes the size limit.",
    ),
    "approvals_queue": (
        "The approvals queue",
        "Managers: the write-off reports the caller can still decide (within their delegation) and "
        "those decided, newest decision first. A report above their limit is on neither list.",
    ),
    "list_uploads": (
        "List a case's uploads",
        "Evidence files stored for the case, with their sha256; a withdrawn one says when, by whom and why.",
    ),
    "withdraw_upload": (
        "Withdraw an upload",
        "Officers and admins, with the reason. The file stays in the store and in bundles already made; "
        "a new bundle that names it is refused. Withdrawing it again is 409.",
    ),
    "share": (
        "Share a case",
        "Officers and admins. The organisation must be registered (see GET /organisations); an optional "
        "expires_on is the last day it may see the case. Its contact is e-mailed (emailed_to, or "
        "email_problem when the mail server could not take it: the share stands). Sharing again with an "
        "organisation that already sees the case answers 200 with that share.",
    ),
    "list_organisations": ("List organisations", "The registered legal partners a case may be shared with."),
    "register_organisation": (
        "Register an organisation",
        "Admins only. A legal partner's name (as its users' accounts carry it) and the contact e-mailed "
        "when a case is shared.",
    ),
    "get_worklist": (
        "Worklist",
        "Each visible case with its next step (from the document rules' own dates), when it falls due, the "
        "earliest last day a rule reports and the sum owing; filtered by due (overdue, today, week), debt "
        "type, officer, step and balance range; sorted and paged. Rows are worked out again when a case "
        "changes or the day does.",
    ),
    "make_next_steps": (
        "Make the next step for many cases",
        "One generation job: each chosen case's next step through the corridor. The job's result lists "
        "each case as made (its version), unchanged (the version kept) or refused (the reasons).",
    ),
    "revoke": ("Revoke a share", "The organisation no longer sees the case."),
    "decide": (
        "Approve or reject a write-off",
        "A manager's decision on a write-off report version, within their delegated limit.",
    ),
    "list_approvals": (
        "List decisions on a version",
        "Approvals and rejections of a write-off report version.",
    ),
    "make_pack": (
        "Make a debt-panel pack",
        "One PDF for a meeting: cover, agenda, index and a briefing per case.",
    ),
    "make_bundle": (
        "Make a court bundle",
        "Build an indexed, paginated, bookmarked bundle from a bundle spec whose sources are stored "
        "versions or uploads, and store each volume. With ?late=true the spec's new items are added "
        "at the end of the stored bundle without moving a page. A bundle with many scanned pages to "
        "read for text (more than DOCGEN_BUNDLE_JOB_SCANNED_PAGES), or any bundle when the request "
        "says `Prefer: respond-async`, is built by a worker: 202 with the job to poll at its Location, "
        "whose progress and total count the scanned pages read.",
    ),
    "list_cases": (
        "List or search cases",
        "Cases the caller may see, newest first; `q` matches reference or debtor name.",
    ),
    "create_case": (
        "Create a case",
        "Store a docgen.case/1 record (see the Case schema and docs/CASE-FORMAT.md). Every problem is "
        "answered at once with its path.",
    ),
    "case_facts_route": (
        "Case facts",
        "Balance, interest, fees, costs and limitation worked out to `as_of` (default today).",
    ),
    "eligibility": (
        "Eligibility by document type",
        "For each document type (or those named), whether the law allows it for the case on `as_of`, and why not.",
    ),
    "get_case": ("Get a case", "The case as stored, with its snapshot's sha256."),
    "record_event": (
        "Record what happened",
        "Record an event on the case (a letter sent, a payment, service): a new snapshot of the case "
        "and an audit entry of what changed.",
    ),
    "case_history": ("Case history", "Every change to the case's content, oldest first."),
    "next_steps": (
        "Next steps",
        "The steps possible on the case, and for each blocked step the date it opens and what is missing.",
    ),
    "replace_case": ("Replace a case", "Store a new snapshot of the case; earlier documents keep theirs."),
}

#: routes that answer 200 instead of 201 when nothing new was made
UNCHANGED_IS_200 = frozenset({"generate", "make_bundle", "make_pack", "share"})

ERROR_STATUSES = {
    "401": "No key, or the key is not recognised.",
    "403": "The caller's role may not do this.",
    "404": "Not found, or not shared with the caller (the two are not told apart).",
    "409": "Conflicts with what is stored, or the law does not allow the paper (reasons in `problems`).",
    "422": "The request has problems; each is named by its path in `problems`.",
    "429": "Busy: try again after Retry-After seconds (or send Prefer: respond-async).",
    "500": "An unexpected error; it has been logged.",
    "503": "The register, store or job queue is unavailable; try again shortly.",
}

ERROR_SCHEMA: dict[str, Any] = {
    "title": "ErrorPublic",
    "type": "object",
    "description": "Every error answer: a stable code, a plain-English message, and the problems by path.",
    "required": ["code", "message", "problems"],
    "properties": {
        "code": {"type": "string", "description": "stable, e.g. invalid_input, ineligible, not_found"},
        "message": {"type": "string"},
        "problems": {"type": "array", "items": {"$ref": "#/components/schemas/ProblemPublic"}},
    },
}


def install(app: FastAPI) -> None:
    """Offline docs pages and the enriched schema."""
    static = resources.files("fastapi_offline") / "static"
    app.mount(ASSETS_URL, StaticFiles(directory=str(static)), name="docs-assets")

    def swagger_page(root: str) -> tuple[str, str]:
        """Swagger UI's page, and apart from it the script that starts it: the page carries no
        inline script, so that the Content-Security-Policy can refuse every inline script."""
        body = get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} API",
            swagger_js_url=f"{root}{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            # no validator badge: it would ask validator.swagger.io about the schema
            swagger_ui_parameters={"persistAuthorization": True, "validatorUrl": None},
        ).body
        html = bytes(body).decode()
        found = _INLINE_SCRIPT.search(html)
        if found is None:
            return html, ""
        page = (
            html[: found.start()] + f'<script src="{root}{SWAGGER_INIT_URL}"></script>' + html[found.end() :]
        )
        return page, found.group(1)

    @app.get("/docs", include_in_schema=False)
    async def swagger(request: Request) -> HTMLResponse:
        return HTMLResponse(swagger_page(request.scope.get("root_path", ""))[0])

    @app.get(SWAGGER_INIT_URL, include_in_schema=False)
    async def swagger_init(request: Request) -> Response:
        script = swagger_page(request.scope.get("root_path", ""))[1]
        return Response(script, media_type="text/javascript", headers={"Cache-Control": "no-cache"})

    @app.get(REDOC_JS_URL, include_in_schema=False)
    async def redoc_js() -> Response:
        return Response(
            _redoc_js(), media_type="text/javascript", headers={"Cache-Control": "public, max-age=86400"}
        )

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_redoc_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} API",
            redoc_js_url=f"{root}{REDOC_JS_URL}",
            redoc_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            with_google_fonts=False,
        )

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


@lru_cache(maxsize=1)
def _redoc_js() -> bytes:
    """ReDoc's bundle with its one outside request (the Redocly logo in the menu) pointed here."""
    data = (resources.files("fastapi_offline") / "static" / "redoc.standalone.js").read_bytes()
    return data.replace(REDOC_OUTSIDE_LOGO, f"{ASSETS_URL}/favicon.png".encode())


def operation_id(route: APIRoute) -> str:
    """Stable operation ids, named after the route function (the generated client's method names)."""
    return route.name


# --- building the schema ----------------------------------------------------------------------


def option_schema(spec: OptionSpec) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "string", "title": spec.label}
    if spec.help:
        out["description"] = spec.help
    if spec.kind == "choice":
        out["enum"] = [v for v, _ in spec.choices]
        labels = "; ".join(f"{v}: {label}" for v, label in spec.choices)
        out["description"] = (out.get("description", "") + f" ({labels})").strip()
    elif spec.kind == "date":
        out["format"] = "date"
    elif spec.kind == "money":
        out["pattern"] = OPTION_MONEY_PATTERN
        out["format"] = "money"
    elif spec.kind == "yes_no":
        out["enum"] = ["yes", "no"]
    elif spec.kind == "number":
        out["pattern"] = r"^[0-9]+$"
    else:
        out["maxLength"] = spec.max_length
    if spec.default:
        out["default"] = spec.default
    if spec.engines:
        out["description"] = (
            out.get("description", "") + f" Only for engine {', '.join(spec.engines)}."
        ).strip()
    return out


def _camel(doc_type: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[_\W]+", doc_type) if part)


def _document_type_schemas() -> tuple[dict[str, Any], list[str]]:
    """Per document type: its options as an object of typed properties, and the generate body."""
    schemas: dict[str, Any] = {}
    variants: list[str] = []
    for dt in registry.all_types():
        base = _camel(dt.id)
        options = f"{base}Options"
        schemas[options] = {
            "title": options,
            "type": "object",
            "description": f"Options of {dt.title} ({dt.id}). Values are text.",
            "properties": {spec.name: option_schema(spec) for spec in dt.options},
            "additionalProperties": False,
        }
        body = f"Generate{base}"
        schemas[body] = {
            "title": body,
            "type": "object",
            "description": f"Make {dt.title}.",
            "required": ["doc_type"],
            "additionalProperties": False,
            "properties": {
                "doc_type": {"type": "string", "enum": [dt.id]},
                "options": {"$ref": f"#/components/schemas/{options}"},
                "engine": {
                    "anyOf": [{"type": "string", "enum": list(dt.templates)}, {"type": "null"}],
                    "description": "default: the type's own engine",
                },
                "as_of": {
                    "anyOf": [{"type": "string", "format": "date"}, {"type": "null"}],
                    "description": "the date figures are worked out to (default today)",
                },
            },
        }
        variants.append(body)
    return schemas, variants


def _set_body(operation: dict[str, Any], ref: str) -> None:
    content = operation.setdefault("requestBody", {"required": True}).setdefault("content", {})
    content["application/json"] = {"schema": {"$ref": f"#/components/schemas/{ref}"}}


def _strip_auth_headers(operation: dict[str, Any]) -> bool:
    params = operation.get("parameters", [])
    kept = [
        p for p in params if not (p.get("in") == "header" and p.get("name") in {"authorization", "x-api-key"})
    ]
    had = len(kept) != len(params)
    if kept:
        operation["parameters"] = kept
    else:
        operation.pop("parameters", None)
    return had


def build(app: FastAPI) -> dict[str, Any]:
    schema = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
        tags=TAGS,
    )
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})

    # the models behind bodies that routes read as plain JSON
    added = component_schemas()
    clash = sorted(set(added) & set(schemas))
    if clash:
        raise RuntimeError(f"schema names taken twice: {clash}")
    schemas.update(added)
    types, variants = _document_type_schemas()
    schemas.update(types)
    schemas["GenerateRequest"] = {
        "title": "GenerateRequest",
        "description": "One paper to make: the document type decides which options apply.",
        "oneOf": [{"$ref": f"#/components/schemas/{v}"} for v in variants],
        "discriminator": {
            "propertyName": "doc_type",
            "mapping": {
                schemas[v]["properties"]["doc_type"]["enum"][0]: f"#/components/schemas/{v}" for v in variants
            },
        },
    }
    doc_types = sorted(dt.id for dt in registry.all_types())
    for name in ("GenerateCreate", "JobItemCreate"):
        props = schemas.get(name, {}).get("properties", {})
        if "doc_type" in props:
            props["doc_type"] = {"type": "string", "enum": doc_types, "title": "Doc Type"}
        if "engine" in props:
            props["engine"] = {
                "anyOf": [{"type": "string", "enum": ENGINES}, {"type": "null"}],
                "description": "default: the type's own engine",
            }
        if "options" in props:
            props["options"]["description"] = (
                "the document type's options (see <DocType>Options, e.g. N379Options); values are text"
            )
    if "CasePublic" in schemas:
        schemas["CasePublic"]["properties"]["case"] = {"$ref": "#/components/schemas/Case"}

    schemas["ErrorPublic"] = copy.deepcopy(ERROR_SCHEMA)
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    components["securitySchemes"] = {
        "bearerApiKey": {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key (dg_...) from an admin, or from `docgen users create`: "
            "`Authorization: Bearer <key>`.",
        },
        "apiKeyHeader": {
            "type": "apiKey",
            "in": "header",
            "name": "X-API-Key",
            "description": "The same key.",
        },
    }

    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            oid = op.get("operationId", "")
            summary, description = ROUTE_DOCS.get(oid, ("", ""))
            if summary:
                op["summary"] = summary
                op["description"] = description
            secured = _strip_auth_headers(op)
            if secured:
                op["security"] = [{"bearerApiKey": []}, {"apiKeyHeader": []}]
            if oid in ("create_case", "replace_case"):
                _set_body(op, "Case")
            elif oid == "make_bundle":
                _set_body(op, "BundleSpec")
            elif oid == "generate":
                _set_body(op, "GenerateRequest")
            elif oid == "upload":
                op["requestBody"] = {
                    "required": True,
                    "description": "the file itself",
                    "content": {
                        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                    },
                }
            if for_path := [
                p for p in op.get("parameters", []) if p.get("name") == "doc_type" and p["in"] == "path"
            ]:
                for p in for_path:
                    p["schema"] = {"type": "string", "enum": doc_types}
            for p in op.get("parameters", []):
                if p.get("name") == "doc_type" and p["in"] == "query":
                    p["schema"] = {
                        "anyOf": [
                            {"type": "array", "items": {"type": "string", "enum": doc_types}},
                            {"type": "null"},
                        ]
                    }
            responses = op.setdefault("responses", {})
            if oid in UNCHANGED_IS_200 and "201" in responses:
                responses["200"] = {
                    **copy.deepcopy(responses["201"]),
                    "description": "Unchanged: the existing one is returned and nothing new is stored.",
                }
            if path.endswith("/download"):
                responses["200"] = {
                    "description": "The PDF, exactly as stored (its sha256 is the ETag).",
                    "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
                    "headers": {
                        "ETag": {"schema": {"type": "string"}, "description": "the version's sha256, quoted"}
                    },
                }
                responses["304"] = {"description": "Not modified (If-None-Match matched)."}
            if oid in ("healthz", "readyz"):
                if oid == "readyz":
                    responses["503"] = {"description": "Not ready: a check failed."}
                continue
            wanted = ["401", "403", "422", "500", "503"]
            if "{" in path:
                wanted.append("404")
            if method in ("post", "put", "delete"):
                wanted.append("409")
            if "429" in responses:
                wanted.append("429")
            for status in sorted(wanted):
                responses[status] = {
                    "description": ERROR_STATUSES[status],
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorPublic"}}},
                }
    return schema
