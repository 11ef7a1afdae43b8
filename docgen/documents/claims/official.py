"""Contexts for the official HMCTS PDFs: the html context of a form, turned into the logical field
names of forms/<form>/FIELDS.md. The figures are the same objects the like-effect layout prints."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from docgen.errors import InvalidInput, Problem


def _name_and_address(name: str, address: Any) -> list[str]:
    return [name, *address.as_lines()]


def n1_fields(ctx: Mapping[str, Any], options: Mapping[str, str]) -> dict[str, Any]:
    claimant = ctx["claimant"]
    sot = ctx["sot"]
    # the address for documents, phone, e-mail, DX and reference all belong to the one party that
    # signs: the council's officer, or the legal representative
    sig = ctx["signatory"]
    addr = sig.address
    defendants: list[str] = []
    service: list[str] = []
    for d in ctx["debtors"]:
        friend = d["debtor"].litigation_friend
        name = f"{d['name']}, by {friend.name}, litigation friend" if friend else d["name"]
        defendants += _name_and_address(name, d["address"])
        service += _name_and_address(d["name"], d["service_address"])
    return {
        "court_name": ctx["court"]["name"],
        "fee_account_no": claimant["fee_account"],
        "claimant_details": _name_and_address(claimant["name"], ctx["case"].creditor.address),
        "defendant_details": defendants,
        "brief_details": ctx["brief_details"],
        "value": ctx["value"],
        "defendant_service_address": service,
        "amount_claimed": ctx["amount_claimed"],
        "court_fee": ctx["court_fee"],
        "legal_rep_costs": ctx["legal_costs"],
        "total_amount": ctx["total"],
        "preferred_court": ctx["preferred_court"] or None,
        "claimant_vulnerability": "yes" if ctx["vulnerable"] else "no",
        "vulnerability_details": ctx["vulnerability_details"] or None,
        "human_rights": "yes" if ctx["human_rights"] else "no",
        "particulars_status": "attached",
        "sot_belief": "claimant_believes",
        "signer_capacity": sot["role"],
        "signed_date": sot["date"],
        "signer_name": sot["name"] or None,
        "legal_rep_firm": sot["firm"],
        "signer_position": sot["position"] or None,
        "address_for_documents_building": addr.lines[0],
        "address_for_documents_line2": ", ".join(addr.lines[1:]) or None,
        "address_for_documents_town": addr.town or None,
        "address_for_documents_county": addr.county,
        "address_for_documents_postcode": addr.postcode,
        "contact_phone": sig.phone,
        "contact_dx": sig.dx,
        "contact_ref": sig.reference,
        "contact_email": sig.email,
    }


def n225_fields(ctx: Mapping[str, Any], options: Mapping[str, str]) -> dict[str, Any]:
    f = ctx["figures"]
    facts = ctx["facts"]
    debtor = ctx["case"].primary_debtor
    payment = ctx["payment"]
    if payment == "instalments" and ctx["frequency"] != "monthly":
        raise InvalidInput(
            "the official N225 takes monthly instalments only: use the html engine for "
            f"{ctx['frequency']} instalments",
            [Problem("options.frequency", "the official N225 has only '£ ... per month'")],
        )
    dob = getattr(debtor, "date_of_birth", None)
    subtotal_1 = f.subtotal_before_judgment_costs
    rate = facts.interest.rate
    return {
        "court_name": ctx["court"]["name"],
        "claim_number": ctx["claim_number"],
        "claimant": [ctx["claimant"]["name"], f"Ref: {ctx['claimant']['reference']}"],
        "defendant": [d["name"] for d in ctx["debtors"]],
        "judgment_route": "admission" if ctx["route"] == "admission" else "default",
        "particulars_served": True,
        "admission_proposal": "none" if ctx["route"] == "admission" else None,
        "defendant_dob_status": None if debtor.is_company else ("known" if dob else "not_known"),
        "defendant_dob": dob,
        "payment": payment,
        "instalment_amount": Decimal(ctx["instalment_amount"]) if payment == "instalments" else None,
        "pay_by_date": date.fromisoformat(ctx["pay_by"]) if payment == "by_date" else None,
        "amount_of_claim": f.amount_of_claim,
        "interest_from": f.claim_date if f.interest_since else None,
        "interest_to": ctx["as_of"] if f.interest_since else None,
        "interest_rate": rate if (f.interest_since and rate is not None) else None,
        "interest_amount": f.interest_since,
        "court_fees": f.court_fee,
        "legal_rep_costs_on_issue": f.legal_costs,
        "subtotal_1": subtotal_1,
        "fixed_costs_on_judgment": f.judgment_costs,
        "subtotal_2": f.subtotal,
        "amount_paid_since_issue": f.paid_since,
        "amount_payable": f.payable,
        "signer_role": "claimants_solicitor" if ctx["sot"]["role"] == "legal_representative" else "claimant",
        "signer_position": ctx["sot"]["position"] or None,
        "signed_date": ctx["sot"]["date"],
        "court_address": ", ".join([ctx["court"]["name"], *ctx["court"]["address"]]),
    }
