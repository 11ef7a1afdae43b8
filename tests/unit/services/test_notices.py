"""Issuing a letter, a claim or a demand offers the event that records it: each offer names an
event the case takes, with fields that event has."""

from __future__ import annotations

from docgen.documents import registry
from docgen.domain.events import EVENT_KINDS
from docgen.services.notices import MATCHING_EVENT, matching_event


def test_every_offer_is_a_known_event_for_a_known_paper() -> None:
    types = {dt.id for dt in registry.all_types()}
    for doc_type, (kind, _fields, words) in MATCHING_EVENT.items():
        assert doc_type in types, doc_type
        assert kind in EVENT_KINDS, kind
        assert words.startswith("Record ")


def test_every_claim_form_and_the_letter_offer_their_event() -> None:
    assert matching_event("letter_before_claim") == ("letter_sent", {"letter": "letter_before_claim"})
    for claim in ("n1", "claim"):
        assert matching_event(claim) == ("claim_issued", {})
    assert matching_event("write_off_report") is None
    # a copy: changing it changes no later offer
    offered = matching_event("letter_before_claim")
    assert offered is not None
    offered[1]["letter"] = "reminder"
    assert MATCHING_EVENT["letter_before_claim"][1] == {"letter": "letter_before_claim"}
