"""Insolvency papers: statutory demands (individual, s.268(1)(a); company, s.123(1)(a)), the
certificate of service of a demand (r.10.3), and the creditor's bankruptcy and winding-up petitions.

The debt demanded and when and how the demand was served are worked out in docgen.domain.demand;
the court a paper names, in docgen.domain.courts. Every period and sum comes from the dated tables.
"""

from __future__ import annotations

from docgen.documents.insolvency.certificate import CertificateOfServiceSD
from docgen.documents.insolvency.common import FAMILY, debt_of, demand_type_for
from docgen.documents.insolvency.demands import StatutoryDemandCompany, StatutoryDemandIndividual
from docgen.documents.insolvency.petitions import BankruptcyPetition, WindingUpPetition, petition_debt
from docgen.domain.demand import DemandDebt, Service, demand_service

__all__ = [
    "FAMILY",
    "BankruptcyPetition",
    "CertificateOfServiceSD",
    "DemandDebt",
    "Service",
    "StatutoryDemandCompany",
    "StatutoryDemandIndividual",
    "WindingUpPetition",
    "debt_of",
    "demand_service",
    "demand_type_for",
    "petition_debt",
]
