"""The claim documents: letter before claim, particulars of claim, claim form (N1) and the claim as
one PDF, request for judgment (N225) and certificate of service (N215).

Modules: ``rules`` (the law a claim paper must satisfy), ``common`` (court, signatory, wording),
``letter``, ``claim_form`` (particulars, N1, the claim as one PDF), ``judgment_request`` (N225),
``service`` (N215), ``official`` (the official N1 and N225 field values). Importing the package
registers every type.
"""

from docgen.documents.claims import claim_form, judgment_request, letter, service
from docgen.documents.claims.common import SERVICE_WORDS

__all__ = ["SERVICE_WORDS", "claim_form", "judgment_request", "letter", "service"]
