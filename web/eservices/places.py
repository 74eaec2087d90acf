"""Parcels and places of a request, checked against the published data (public role).

Only ``publish`` views are read, as the anonymous reader every public service uses.
"""

from __future__ import annotations

from decimal import Decimal

import psycopg

from geoportal.cases.places import existing_parcels, in_county, point_in_parcel
from web.eservices.forms import RequestForm, is_district_number
from web.language import N_


def resolve_parcels(conn: psycopg.Connection, parsed: RequestForm) -> None:
    """Replace typed parcels with those that exist; a field error for any that does not."""
    found = existing_parcels(conn, parsed.parcel_ids)
    if [p for p in parsed.parcel_ids if p not in found]:
        parsed.errors["parcels"] = N_("error_parcel_unknown")
        return
    ids = list(parsed.parcel_ids)
    if parsed.district is not None:
        by_number = _by_district(conn, *parsed.district)
        if by_number is None:
            parsed.errors["number"] = N_("error_parcel_unknown")
            return
        if by_number not in ids:
            ids.append(by_number)
    parsed.parcel_ids = ids


def locate_parcel(conn: psycopg.Connection, parsed: RequestForm) -> None:
    """A place given as a parcel becomes a point inside it (X/Y filled in for the review)."""
    if parsed.location_parcel is None:
        return
    point = point_in_parcel(conn, parsed.location_parcel)
    if point is None:
        parsed.errors["location_parcel"] = N_("error_parcel_unknown")
        return
    x, y = parsed.location = point
    parsed.values["x"], parsed.values["y"] = location_decimal(x), location_decimal(y)


def check_in_county(conn: psycopg.Connection, parsed: RequestForm) -> None:
    """A field error unless the place lies in one of the county's cadastral districts."""
    if parsed.location is None:
        return
    if not in_county(conn, *parsed.location):
        parsed.errors["x"] = N_("error_outside_county")


def _by_district(conn: psycopg.Connection, district: str, number: str) -> str | None:
    column = "district_number" if is_district_number(district) else "lower(district_name)"
    value = district if is_district_number(district) else district.lower()
    with conn.transaction():
        rows = conn.execute(
            f"SELECT parcel_id FROM publish.parcels WHERE {column} = %s"  # noqa: S608 - constant
            " AND number = %s ORDER BY parcel_id LIMIT 2",
            (value, number),
        ).fetchall()
    return rows[0][0] if len(rows) == 1 else None


def location_decimal(value: Decimal) -> str:
    """A coordinate as the submission stores it (centimetres)."""
    return f"{value:.2f}"
