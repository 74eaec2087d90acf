"""The quantities a fee needs, counted on the server from the request, and the quote.

The applicant never types a quantity: parcels are counted, and the planning wypis's
pages from the zone entries its document lists for the parcels — the local plans' for a
wypis z planu, the studium's for a wypis ze studium (counted by the callers with
:func:`geoportal.documents.planning.listed_zones`, the document's own reading). Counts
the published data cannot give are estimated here and confirmed by staff when they
prepare the document (``fees`` module docstring): a registration unit, building or card
per parcel.
"""

from __future__ import annotations

import datetime as dt
import math

from geoportal.cases.calendar import OFFICE_TZ
from geoportal.cases.fees import (
    Exemption,
    ExemptionClaim,
    Medium,
    Quote,
    default_fee_rules,
    quote,
)

ZONES_PER_WYPIS_PAGE = 2  # a zone's text takes about half an A4 page


def quantities_for(schedule: str, parcels: int, zones: int, on: dt.date) -> dict[str, int]:
    """Each quantity the schedule asks for, counted from the parcels and zones."""
    counts = {
        "parcel": parcels,
        "registration_unit": parcels,
        "building": parcels,
        "card": parcels,
        "wypis_page": max(1, math.ceil(zones / ZONES_PER_WYPIS_PAGE)),
        "wyrys_a4_part": max(1, parcels),
    }
    needed = default_fee_rules().quantities(schedule, on)
    return {name: counts[name] for name in sorted(needed)}


def server_quote(
    schedule: str, medium: Medium, parcels: int, zones: int, claim: ExemptionClaim | None = None
) -> Quote:
    """Today's quote (the office's date) for a request of this size, with any claim."""
    today = dt.datetime.now(OFFICE_TZ).date()
    quantities = quantities_for(schedule, parcels, zones, today)
    return quote(schedule, medium, quantities, today, claim)


def exemptions_for(schedule: str) -> dict[str, Exemption]:
    """The exemptions an applicant may claim for a schedule's fees (none for a free one)."""
    rules = default_fee_rules()
    today = dt.datetime.now(OFFICE_TZ).date()
    tables = {rules.edition(item, today).key for item in rules.items(schedule)}
    return {key: e for key, e in rules.exemptions.items() if tables & set(e.tables)}
