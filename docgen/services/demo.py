"""The demo: its users and cases for the service (one user per everyday role, fresh keys on every
start, only their hashes kept; the demo cases, one shared with the demo legal partner's
organisation), and the run that makes every paper each sample case is eligible for. Needs no
server: the embedded store and SQLite."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from docgen.config import Settings
from docgen.demo import DEMO_AS_OF, DEMO_OPTIONS, demo_cases, demo_settings
from docgen.documents import registry
from docgen.domain.case import Case
from docgen.register import unit_of_work
from docgen.register.models import Role
from docgen.register.repositories import cases, organisations, users
from docgen.services import generation, sharing
from docgen.services.auth import Principal, create_user, principal_of, rotate_key
from docgen.services.backend import Backend
from docgen.services.cases import create_case, hold
from docgen.services.generation import ItemError, PaperRequest
from docgen.storage import ObjectStore

DEMO_PARTNER_ORG = "Demo Legal LLP"
DEMO_PARTNER_CONTACT = "cases@demo-legal.example"


@dataclass(frozen=True)
class DemoUser:
    name: str
    role: Role
    organisation: str = ""
    approval_limit: str | None = None


DEMO_USERS = (
    DemoUser("demo.officer", Role.officer),
    DemoUser("demo.partner", Role.legal_partner, DEMO_PARTNER_ORG),
    DemoUser("demo.manager", Role.manager, approval_limit="10000.00"),
    DemoUser("demo.admin", Role.admin),
)


def seed(session: Session, pepper: str) -> tuple[dict[str, str], list[str]]:
    """(role -> fresh key, case refs loaded). Safe to run on every start."""
    keys: dict[str, str] = {}
    for demo in DEMO_USERS:
        user = users.by_name(session, demo.name)
        if user is None:
            _made, keys[demo.role.value] = create_user(
                session,
                name=demo.name,
                role=demo.role.value,
                organisation=demo.organisation,
                approval_limit=demo.approval_limit,
                pepper=pepper,
                actor="demo",
            )
        else:
            keys[demo.role.value] = rotate_key(session, user, pepper, actor="demo")
    officer_row = users.by_name(session, DEMO_USERS[0].name)
    assert officer_row is not None
    officer = principal_of(officer_row)
    refs = []
    for case in demo_cases():
        if cases.get(session, case.case_ref) is None:
            create_case(session, officer, case.model_dump(mode="json", by_alias=True))
        refs.append(case.case_ref)
    if organisations.by_name(session, DEMO_PARTNER_ORG) is None:
        organisations.add(session, DEMO_PARTNER_ORG, DEMO_PARTNER_CONTACT, "demo")
    if refs:
        sharing.share_case(session, officer, refs[0], DEMO_PARTNER_ORG)
    return keys, refs


@dataclass(frozen=True)
class DemoRow:
    case_ref: str
    doc_type: str
    outcome: str  # stored | unchanged | skipped | failed
    document_id: str = ""
    version: int | None = None
    status: str = ""
    reason: str = ""
    #: the first blocking problem's code (or the error's): what the demo's summary groups by
    code: str = ""


def _code(error: ItemError) -> str:
    blocking = [p for p in error.problems if p.blocking]
    return blocking[0].code if blocking else error.code


def _reason(error: ItemError) -> str:
    blocking = [str(p) for p in error.problems if p.blocking]
    if not blocking:
        return error.message
    more = f" (and {len(blocking) - 1} more)" if len(blocking) > 1 else ""
    return blocking[0] + more


def run_demo(
    settings: Settings,
    as_of: date = DEMO_AS_OF,
    actor: str = "demo",
    cases: Sequence[Case] | None = None,
    store: ObjectStore | None = None,
) -> list[DemoRow]:
    """Hold each sample case, then make every document type through the generation corridor. A
    paper refused for a reason is skipped with that reason; one broken template is logged and
    reported as failed without hiding what the others made."""
    backend = Backend.open(demo_settings(settings), store)
    who = Principal(actor, Role.officer)
    rows: list[DemoRow] = []
    for case in cases if cases is not None else demo_cases():
        with unit_of_work(backend.sessions) as session:
            hold(session, who, case)
        for document_type in registry.all_types():
            rows.append(_one(backend, who, case, document_type.id, as_of))
    return rows


def _one(backend: Backend, who: Principal, case: Case, doc_type: str, as_of: date) -> DemoRow:
    options = DEMO_OPTIONS.get((case.case_ref, doc_type), {})
    request = PaperRequest(doc_type, case.case_ref, as_of, who, options, access_checked=True)
    made = generation.attempt(
        lambda: generation.generate(backend, request), f"demo: {doc_type} for {case.case_ref}"
    )
    if isinstance(made, ItemError):
        outcome = "failed" if made.code == "internal" else "skipped"
        return DemoRow(case.case_ref, doc_type, outcome, reason=_reason(made), code=_code(made))
    return DemoRow(
        case.case_ref,
        doc_type,
        "stored" if made.stored else "unchanged",
        made.version.document_id,
        made.version.number,
        made.version.status,
    )
