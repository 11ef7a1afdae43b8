"""What every door hands to the services: the settings, the register's sessions and the store.

A door (the API, a Celery task, a bulk worker, a command) opens one ``Backend`` when it starts and
keeps it for its life; the services open their own short transactions from it where a step must not
hold the register (a render), and otherwise work in the session the door gives them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from docgen.config import Settings
from docgen.register import open_register
from docgen.storage import ObjectStore, make_store


@dataclass(frozen=True)
class Backend:
    settings: Settings
    sessions: sessionmaker[Session]
    store: ObjectStore

    @classmethod
    def open(cls, settings: Settings, store: ObjectStore | None = None) -> Backend:
        """The register and store the settings name (the register must have been migrated)."""
        return cls(settings, open_register(settings), store or make_store(settings))
