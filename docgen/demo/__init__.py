"""The demo's sample cases, shipped with docgen, the date they are set on and the options an
officer would give for them. The demo run itself is ``docgen.services.demo.run_demo``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from docgen.config import Settings
from docgen.domain.case import Case, load_case

DEMO_DIR = Path(__file__).parent
#: write-off policies for the demo cases' councils, used only when the demo runs
DEMO_POLICIES = DEMO_DIR / "policies"
#: the sample cases' histories are written up to spring 2025; a fixed date keeps the demo's
#: figures and PDFs the same on every machine
DEMO_AS_OF = date(2025, 6, 2)
#: options an officer would give for these cases; every other type runs with none
DEMO_OPTIONS: dict[tuple[str, str], dict[str, str]] = {
    # reg 50: the charging order is sought in the County Court for the dwelling's area
    ("SUT-CTX-2021-40877", "n379"): {"basis": "reg50", "court": "County Court at Croydon"},
}


def demo_cases() -> list[Case]:
    return [load_case(path) for path in sorted(DEMO_DIR.glob("*.json"))]


def demo_settings(settings: Settings) -> Settings:
    """``settings`` with the demo councils' write-off policies installed (after the council's own
    folders, so a real policy of the same id wins)."""
    if DEMO_POLICIES in settings.policy_dirs:
        return settings
    return settings.model_copy(update={"policy_dirs": [*settings.policy_dirs, DEMO_POLICIES]})
