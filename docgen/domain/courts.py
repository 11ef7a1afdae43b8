"""Which court a paper goes to, worked out from where the debtor lives, trades or owns land.

There is no public machine-readable map from postcodes to County Court hearing centres and
insolvency districts that docgen could ship as a dated table, so the answer comes from data: the
case records it (a debtor's ``insolvency_court``, a property's ``hearing_centre``), or the
installation's settings map postcode districts to courts (``CourtDirectory``). When neither gives
an answer the paper is refused with the reason, never filled in with a guess built from a town name.

Bankruptcy (IR 2016 r.10.11, r.12.5): a creditor's petition goes to the debtor's own hearing centre,
that is the County Court hearing centre for the insolvency district where the debtor carried on
business (if they did in the six months before the petition) or else lived, for the longest period
in those six months. Proceedings allocated to the London Insolvency District go to the High Court
where the debt is £50,000 or more and to the County Court at Central London where it is less. An
application to set a statutory demand aside goes to the court where a petition would be presented
(r.10.4(4)), and the demand names it "according to the present information" (r.10.1(1)(l)).

Winding up (Insolvency Act 1986 s.117, IR 2016 r.12.3): the High Court may wind up any company
registered in England and Wales; the County Court only where the paid-up share capital is not more
than £120,000, and then only at the hearing centre serving the area of the registered office.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from docgen.domain.case import Address, Business, CompanyDebtor, IndividualDebtor
from docgen.domain.money import fmt_gbp
from docgen.domain.thresholds import threshold

HIGH_COURT = "High Court"
CENTRAL_LONDON = "County Court at Central London"
#: how a case or the settings name the London Insolvency District
LONDON = "London"
_LONDON_NAMES = {"london", "london insolvency district"}

#: postcode areas outside England and Wales (Scotland, Northern Ireland, the Isle of Man and the
#: Channel Islands). Areas that straddle the border with Scotland or Wales (TD, CH, LD, SY, NP...)
#: are not listed: docgen does not decide them, the court record does.
OUTSIDE_ENGLAND_AND_WALES = frozenset(
    {
        "AB", "DD", "DG", "EH", "FK", "G", "HS", "IV", "KA", "KW", "KY", "ML", "PA", "PH", "ZE",
        "BT", "IM", "JE", "GY",
    }
)  # fmt: skip

_AREA = re.compile(r"^[A-Z]{1,2}")


def outward_code(postcode: str) -> str:
    compact = postcode.replace(" ", "").upper()
    return compact[:-3] if len(compact) > 3 else compact


def postcode_area(postcode: str) -> str:
    found = _AREA.match(outward_code(postcode))
    return found.group(0) if found else ""


def in_england_and_wales(address: Address) -> bool:
    return postcode_area(address.postcode) not in OUTSIDE_ENGLAND_AND_WALES


def is_london(name: str) -> bool:
    return name.strip().lower() in _LONDON_NAMES


@dataclass(frozen=True)
class Found:
    value: str
    #: plain English: where the answer came from
    source: str


@dataclass(frozen=True)
class CourtDirectory:
    """Courts by postcode from the installation's settings: a key is an outward code ("SE25") or a
    postcode area ("CR"); the outward code wins."""

    hearing_centres: Mapping[str, str] = field(default_factory=dict)
    insolvency_districts: Mapping[str, str] = field(default_factory=dict)

    @staticmethod
    def _lookup(table: Mapping[str, str], address: Address) -> Found | None:
        keys = {k.replace(" ", "").upper(): v for k, v in table.items()}
        outward = outward_code(address.postcode)
        for key in (outward, postcode_area(address.postcode)):
            if key and key in keys:
                return Found(keys[key], f"the council's list of courts for postcode {key}")
        return None

    def hearing_centre(self, address: Address) -> Found | None:
        return self._lookup(self.hearing_centres, address)

    def insolvency_district(self, address: Address) -> Found | None:
        return self._lookup(self.insolvency_districts, address)


@dataclass(frozen=True)
class CourtChoice:
    """A court and, in plain English, why it is that court. ``problem`` is set instead when the court
    cannot be worked out from the data, saying what to record."""

    court: str = ""
    reason: str = ""
    source: str = ""
    problem: str = ""
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problem


def _business_in_last_six_months(businesses: list[Business], on: date) -> Business | None:
    from docgen.domain.calendar import add_months

    since = add_months(on, -6)
    current = [b for b in businesses if b.ceased_on is None or b.ceased_on >= since]
    return current[0] if current else None


def bankruptcy_court(
    debtor: IndividualDebtor, debt: Decimal, on: date, directory: CourtDirectory
) -> CourtChoice:
    """The court for a creditor's bankruptcy petition presented on ``on`` for ``debt`` (r.10.11),
    which is also the court for an application to set a statutory demand aside (r.10.4(4))."""
    if not in_england_and_wales(debtor.address):
        return CourtChoice(
            problem=f"the debtor's address ({debtor.address.one_line()}) is outside England and Wales: "
            "where a petition may be presented then depends on where the debtor lived or traded in the "
            "last six months (rule 10.11(5)), which the case does not show; take advice"
        )
    business = _business_in_last_six_months(list(debtor.businesses), on)
    warnings: list[str] = []
    if debtor.insolvency_court:
        found = Found(debtor.insolvency_court, "the case record")
        basis = "carried on business" if business is not None else "resided"
        where = f"The debtor has {basis} for the longest period in the six months before this petition in "
    elif business is not None:
        if business.address is None:
            return CourtChoice(
                problem=f"the debtor carries on business as {business.name} and the business address is "
                "not recorded: the petition goes to the hearing centre for where the business is "
                "(rule 10.11(4)(a)); record the business address or the debtor's insolvency district"
            )
        looked = directory.insolvency_district(business.address)
        if looked is None:
            return CourtChoice(
                problem=f"the insolvency district for the debtor's business address "
                f"({business.address.one_line()}) is not known: record the debtor's insolvency "
                "district in the case, or ask an administrator to add the postcode district to the "
                "council's list of courts"
            )
        found = looked
        where = (
            f"The debtor carries on business as {business.name} at {business.address.one_line()}, "
            "which is in "
        )
    else:
        looked = directory.insolvency_district(debtor.address)
        if looked is None:
            return CourtChoice(
                problem=f"the insolvency district for the debtor's address ({debtor.address.one_line()}) "
                "is not known: record the debtor's insolvency district in the case, or ask an "
                "administrator to add the postcode district to the council's list of courts"
            )
        found = looked
        if debtor.address_since is not None:
            from docgen.domain.calendar import add_months

            if debtor.address_since > add_months(on, -6):
                return CourtChoice(
                    problem=f"the debtor has lived at {debtor.address.one_line()} only since "
                    f"{debtor.address_since:%-d %B %Y}: the petition goes to the hearing centre for where "
                    "the debtor lived longest in the last six months (rule 10.11(4)(b)); record that "
                    "insolvency district in the case"
                )
            where = (
                f"The debtor has lived at {debtor.address.one_line()} since "
                f"{debtor.address_since:%-d %B %Y}, throughout the six months before this petition, "
                "which is in "
            )
        else:
            where = (
                f"The debtor lives at {debtor.address.one_line()}, and the petitioner knows of no other "
                "place where the debtor has lived or carried on business in the six months before this "
                "petition. That address is in "
            )
            warnings.append(
                f"the case does not record since when the debtor has lived at {debtor.address.one_line()}: "
                "the court named depends on where the debtor lived or traded longest in the last six "
                "months, so confirm the debtor has not lived or traded elsewhere in that time, and "
                "record the date they moved in"
            )
    if is_london(found.value):
        split = threshold("london_bankruptcy_high_court_minimum", on)
        court = HIGH_COURT if debt >= split else CENTRAL_LONDON
        size = (
            f"the debt is {fmt_gbp(debt)}, {fmt_gbp(split)} or more"
            if court == HIGH_COURT
            else f"the debt is {fmt_gbp(debt)}, less than {fmt_gbp(split)}"
        )
        reason = (
            f"{where}the London Insolvency District, and {size}, so the petition is presented to the "
            f"{court} (rule 10.11(1) of the Insolvency (England and Wales) Rules 2016)."
        )
    else:
        court = found.value
        reason = (
            f"{where}the insolvency district of the {court}, the debtor's own hearing centre "
            "(rule 10.11(3) and (4) of the Insolvency (England and Wales) Rules 2016)."
        )
    return CourtChoice(court=court, reason=reason, source=found.source, warnings=tuple(warnings))


def winding_up_court(company: CompanyDebtor, on: date, directory: CourtDirectory) -> CourtChoice:
    """The court for a creditor's winding-up petition (s.117, r.12.3)."""
    office = company.registered_office
    if not in_england_and_wales(office):
        return CourtChoice(
            problem=f"the registered office ({office.one_line()}) is outside England and Wales: the "
            "courts of England and Wales wind up companies registered here"
        )
    found = (
        Found(company.insolvency_court, "the case record")
        if company.insolvency_court
        else directory.insolvency_district(office)
    )
    high = CourtChoice(
        court=HIGH_COURT,
        reason=(
            f"The company is registered in England and Wales and its registered office is at "
            f"{office.one_line()}. The High Court has jurisdiction to wind up any company registered in "
            "England and Wales (section 117(1) of the Insolvency Act 1986)."
        ),
        source="the law",
    )
    if found is None or is_london(found.value) or found.value == HIGH_COURT:
        return high
    limit = threshold("winding_up_county_court_paid_up_maximum", on)
    capital = company.share_capital
    if capital is None:
        return CourtChoice(
            problem=f"the petition would go to the {found.value}, but the company's paid-up share "
            f"capital is not recorded: the County Court may wind up a company only where it is "
            f"{fmt_gbp(limit)} or less (section 117(2)); record the share capital from Companies House, "
            "or present the petition to the High Court"
        )
    if capital.paid_up > limit:
        return CourtChoice(
            problem=f"the company's paid-up share capital is {fmt_gbp(capital.paid_up)}, more than "
            f"{fmt_gbp(limit)}: only the High Court may wind it up (section 117(2)); the case names "
            f"the {found.value}"
        )
    return CourtChoice(
        court=found.value,
        reason=(
            f"The company's registered office is at {office.one_line()}, in the area served by the "
            f"{found.value} (rule 12.3 of the Insolvency (England and Wales) Rules 2016), and its "
            f"paid-up share capital is {fmt_gbp(capital.paid_up)}, not more than {fmt_gbp(limit)} "
            "(section 117(2) of the Insolvency Act 1986)."
        ),
        source=found.source,
    )


def dwelling_hearing_centre(
    address: Address, recorded: str | None, directory: CourtDirectory
) -> Found | None:
    """The County Court hearing centre for the area where a dwelling is: recorded in the case, else
    from the council's list."""
    if recorded:
        return Found(recorded, "the case record")
    return directory.hearing_centre(address)
