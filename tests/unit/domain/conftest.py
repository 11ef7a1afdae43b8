from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "data" / "cases"


def _load(name: str) -> dict:
    return copy.deepcopy(json.loads((DATA / name).read_text(encoding="utf-8")))


@pytest.fixture
def judgment_case_data() -> dict:
    return _load("judgment-with-property.json")


@pytest.fixture
def company_case_data() -> dict:
    return _load("company-late-payment.json")


@pytest.fixture
def care_case_data() -> dict:
    return _load("individual-care-charges.json")
