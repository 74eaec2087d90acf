"""From a checked form to the core's :class:`Submission`, and the quote it must carry.

The web layer's half of a request: the form was read by :mod:`web.eservices.forms`,
the database checks run here on the public role, the fee is the server's own
(:mod:`geoportal.cases.quantities`). ``store.submit`` checks everything once more.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from geoportal.cases.errors import FeeMismatch
from geoportal.cases.eservices import EService
from geoportal.cases.fees import Medium, Quote
from geoportal.cases.quantities import server_quote
from geoportal.cases.submission import AttachmentRef, Submission
from geoportal.database import Database
from geoportal.documents.planning import listed_zones
from web.eservices.forms import RequestForm
from web.eservices.places import check_in_county, locate_parcel, resolve_parcels
from web.language import N_

# Fields whose own format the core checks: their own message, others "required".
FIELD_ERRORS = {
    "email": N_("error_email"),
    "phone": N_("error_phone"),
    "postcode": N_("error_postcode"),
}


def check_places(database: Database, parsed: RequestForm) -> None:
    """Parcels exist and the place lies in the county (field errors otherwise)."""
    if not parsed.valid:
        return
    with database.pool("public").connection() as conn:
        if parsed.parcel_ids or parsed.district:
            resolve_parcels(conn, parsed)
        locate_parcel(conn, parsed)
        check_in_county(conn, parsed)


def quote_for(database: Database, key: str, service: EService, parsed: RequestForm) -> Quote:
    """The server's quote for the request as checked; :class:`DocumentError` when the data
    cannot make a planning document the quote would count the pages of (no studium)."""
    zones = 0
    if service.department == "planning" and parsed.parcel_ids:
        # Planning data are public (upzp art. 30), but which act is a studium is kept in
        # ``data.plan``, which the public role does not read: the app role counts them.
        with database.pool("app").connection() as conn:
            zones = listed_zones(conn, key, parsed.parcel_ids)
    medium: Medium = "electronic" if parsed.values["delivery"] == "electronic" else "paper"
    return server_quote(service.fee, medium, len(parsed.parcel_ids), zones, parsed.exemption_claim)


def check_sent_quote(sent: str, server: Quote) -> Quote:
    """The quote the preview rendered, if it is the server's: else :class:`FeeMismatch`."""
    try:
        claimed = Quote.model_validate_json(sent)
    except ValidationError:
        raise FeeMismatch("the quote sent is not a quote") from None
    if not server.same_charge(claimed):
        raise FeeMismatch("the quote sent is not the fee for this request: quote again")
    return claimed


def build_submission(
    key: str,
    service: EService,
    parsed: RequestForm,
    fee: Quote,
    attachments: tuple[AttachmentRef, ...] = (),
) -> Submission:
    """The submission of a checked form (pydantic's ValidationError if the core refuses)."""
    values = parsed.values
    data: dict[str, Any] = {
        "service": key,
        "applicant": {
            "name": values["name"],
            "address": {"street": values["street"], "postcode": values["postcode"],
                        "city": values["city"]},
            "email": values["email"] or None,
            "phone": values["phone"] or None,
        },
        "parcels": parsed.parcel_ids,
        "delivery": values["delivery"],
        "attachments": list(attachments),
        "fee": fee,
    }  # fmt: skip
    if service.requires_legal_interest:
        data["legal_interest"] = values["legal_interest"]
    if parsed.location is not None:
        x, y = parsed.location
        data["location"] = {"x": f"{x:.2f}", "y": f"{y:.2f}"}
        data["description"] = values["description"]
        data["category"] = values["category"] or None
    return Submission.model_validate(data)


def field_errors(error: ValidationError) -> dict[str, str]:
    """The form fields a core validation error names (``error_required`` for each)."""
    errors: dict[str, str] = {}
    for problem in error.errors():
        names = [str(part) for part in problem["loc"]]
        field = next((n for n in reversed(names) if n in {"email", "phone", "postcode",
                      "name", "street", "city"}), "name")  # fmt: skip
        errors[field] = FIELD_ERRORS.get(field, N_("error_required"))
    return errors
