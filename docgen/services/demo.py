"""The demo service's users and cases: one user per everyday role, fresh keys on every start
(only their hashes are kept, so a key cannot be shown again), the demo cases, and one case shared
with the demo legal partner's organisation."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from docgen.demo import demo_cases
from docgen.register.models import Role
from docgen.services import repository as repo
from docgen.services import sharing
from docgen.services.auth import create_user, principal_of, rotate_key
from docgen.services.cases import create_case

DEMO_PARTNER_ORG = "Demo Legal LLP"


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
)


def seed(session: Session, pepper: str) -> tuple[dict[str, str], list[str]]:
    """(role -> fresh key, case refs loaded). Safe to run on every start."""
    keys: dict[str, str] = {}
    for demo in DEMO_USERS:
        user = repo.user_by_name(session, demo.name)
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
    officer_row = repo.user_by_name(session, DEMO_USERS[0].name)
    assert officer_row is not None
    officer = principal_of(officer_row)
    refs = []
    for case in demo_cases():
        if repo.get_case(session, case.case_ref) is None:
            create_case(session, officer, case.model_dump(mode="json", by_alias=True))
        refs.append(case.case_ref)
    if refs:
        sharing.share_case(session, officer, refs[0], DEMO_PARTNER_ORG)
    return keys, refs
