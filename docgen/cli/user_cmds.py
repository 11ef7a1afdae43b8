"""``docgen users``: make, list, rotate, disable and enable users and their API keys.

This is how the first admin is made (nobody can call the API before one exists); after that an
admin may also manage users through the API. A key is printed once, when made, and kept nowhere."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.orm import Session

from docgen.cli.common import HelpFormatter
from docgen.cli.tables import Column, print_json, print_table
from docgen.config import get_settings
from docgen.errors import NotFound
from docgen.register.models import Role, User

ROLES = [r.value for r in Role]
ACTOR = "cli"


@contextmanager
def _session() -> Iterator[Session]:
    from docgen.register import open_register, unit_of_work

    with unit_of_work(open_register(get_settings())) as session:
        yield session


def _find(session: Session, name: str) -> User:
    from docgen.register.repositories import users

    user = users.by_name(session, name)
    if user is None:
        raise NotFound(
            f"there is no user called {name!r}; see them with: docgen users list", "user_not_found"
        )
    return user


def _as_dict(user: User) -> dict[str, Any]:
    return {
        "name": user.name,
        "role": user.role,
        "organisation": user.organisation,
        "approval_limit": user.approval_limit,
        "created_at": user.created_at.isoformat() if user.created_at else None,
        "disabled_at": user.disabled_at.isoformat() if user.disabled_at else None,
        "status": "disabled" if user.disabled_at else "active",
    }


def _show_key(user: User, key: str, what: str, as_json: bool) -> None:
    if as_json:
        print_json(_as_dict(user) | {"api_key": key})
        return
    from docgen.cli.serve_cmds import box

    print(
        box(
            [
                f"{what}: {user.name} ({user.role})",
                f"API key: {key}",
                "",
                "This key is shown once and kept nowhere: store it now.",
                "Send it as the header  Authorization: Bearer <key>",
            ]
        )
    )


def _create(args: argparse.Namespace) -> int:
    from docgen.services.auth import create_user

    with _session() as session:
        user, key = create_user(
            session,
            name=args.name,
            role=args.role,
            organisation=args.organisation,
            approval_limit=args.approval_limit,
            pepper=get_settings().secret_key,
            actor=args.actor,
        )
        _show_key(user, key, "made user", args.json)
    return 0


def _list(args: argparse.Namespace) -> int:
    from docgen.register.repositories import users

    with _session() as session:
        rows = [_as_dict(u) for u in users.all_users(session)]
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print("no users yet; make the first admin with: docgen users create --role admin --name NAME")
        return 0
    for row in rows:
        row["created"] = (row["created_at"] or "")[:10]
        row["limit"] = row["approval_limit"] or ""
    print_table(
        [
            Column("name", "name"),
            Column("role", "role"),
            Column("status", "status"),
            Column("organisation", "organisation", kind="text", drop=3),
            Column("limit", "limit", drop=2),
            Column("created", "created", drop=1),
        ],
        rows,
    )
    return 0


def _rotate(args: argparse.Namespace) -> int:
    from docgen.services.auth import rotate_key

    with _session() as session:
        user = _find(session, args.name)
        key = rotate_key(session, user, get_settings().secret_key, args.actor)
        _show_key(user, key, "new key for", args.json)
    return 0


def _disable(args: argparse.Namespace) -> int:
    from docgen.services.auth import disable_user

    with _session() as session:
        user = disable_user(session, _find(session, args.name), args.actor)
        if args.json:
            print_json(_as_dict(user))
        else:
            print(f"{user.name} is disabled: its key no longer works (docgen users enable {user.name})")
    return 0


def _enable(args: argparse.Namespace) -> int:
    from docgen.services.auth import enable_user

    with _session() as session:
        user = _find(session, args.name)
        key = enable_user(session, user, get_settings().secret_key, args.actor)
        _show_key(user, key, "enabled user", args.json)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    fmt = HelpFormatter
    users = sub.add_parser(
        "users",
        help="make, list, rotate, disable and enable users and their API keys",
        description="Users and their API keys, straight in the register of this machine's data folder. "
        "The first admin is made here: docgen users create --role admin --name NAME",
        formatter_class=fmt,
    )
    verbs = users.add_subparsers(dest="verb", metavar="VERB", required=True)

    def common(p: argparse.ArgumentParser, actor: bool = True) -> None:
        p.add_argument("--json", action="store_true", help="print JSON instead of text")
        if actor:
            p.add_argument("--actor", default=ACTOR, help="who does this, for the audit trail")

    p = verbs.add_parser("create", help="make a user and print its API key (once)", formatter_class=fmt)
    p.add_argument("--role", required=True, choices=ROLES, help="what the user may do")
    p.add_argument("--name", required=True, help="the user's name, unique (e.g. ada.admin)")
    p.add_argument(
        "--organisation", default="", help="the legal partner's organisation (needed for legal_partner)"
    )
    p.add_argument(
        "--approval-limit",
        default=None,
        metavar="AMOUNT",
        help="a manager's delegated write-off limit in pounds, e.g. 5000.00 (none: no approvals)",
    )
    common(p)
    p.set_defaults(func=_create)

    p = verbs.add_parser("list", help="list the users (never their keys)", formatter_class=fmt)
    common(p, actor=False)
    p.set_defaults(func=_list)

    p = verbs.add_parser(
        "rotate", help="give a user a new API key; the old one stops working", formatter_class=fmt
    )
    p.add_argument("name", help="the user's name")
    common(p)
    p.set_defaults(func=_rotate)

    p = verbs.add_parser(
        "disable", help="stop a user's key working and allow no new one", formatter_class=fmt
    )
    p.add_argument("name", help="the user's name")
    common(p)
    p.set_defaults(func=_disable)

    p = verbs.add_parser("enable", help="enable a disabled user with a new API key", formatter_class=fmt)
    p.add_argument("name", help="the user's name")
    common(p)
    p.set_defaults(func=_enable)
