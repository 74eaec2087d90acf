"""A wypis z kartoteki budynków's content: the buildings on the requested parcels.

The building record (kartoteka budynków) is technical data of each building — its
identifier, kind by the fixed-assets classification (KŚT), storeys, built-up area, the
parcels it stands on and its registration unit of buildings if it is separate property —
with the parcels' place in the register. No owners: it is public EGiB information
(PGiK art. 24 ust. 2). What the register holds that our data model does not (usable
areas, year of construction, wall material) is not printed; the document says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg

from geoportal.documents.content import BuildingCard
from geoportal.documents.egib import UnknownParcels
from geoportal.site import Site

# EGIB.XSD (GUGiK v1.10), simpleType EGB_RodzajWgKSTType: each value's gml:description.
KST_LABELS = {
    "m": "mieszkalny",
    "g": "produkcyjny, usługowy i gospodarczy dla rolnictwa",
    "t": "transportu i łączności",
    "k": "oświaty, nauki i kultury oraz sportu",
    "z": "szpitala i inne budynki opieki zdrowotnej",
    "b": "biurowy",
    "h": "handlowo-usługowy",
    "p": "przemysłowy",
    "s": "zbiornik, silos i budynek magazynowy",
    "i": "budynek niemieszkalny",
}
NOT_HELD = (
    "Baza danych geoportalu nie zawiera łącznych powierzchni użytkowych lokali, roku "
    "zakończenia budowy ani materiału ścian zewnętrznych: wypis ich nie podaje."
)

_CARDS = """
SELECT b.building_id, b.kst_type, b.floors_above, b.floors_below, b.built_up_area_m2,
       b.registration_unit_id,
       array_agg(p.parcel_id ORDER BY p.parcel_id), array_agg(p.number ORDER BY p.parcel_id),
       min(u.unit_id || ' ' || u.name), min(split_part(d.district_id, '.', 2) || ' ' || d.name)
  FROM data.building b
  JOIN data.parcel p
    ON p.parcel_id = ANY(b.parcel_ids) AND p.version_end IS NULL AND p.object_end IS NULL
  JOIN data.cadastral_district d
    ON d.district_id = p.district_id AND d.version_end IS NULL AND d.object_end IS NULL
  JOIN data.cadastral_unit u
    ON u.unit_id = d.unit_id AND u.version_end IS NULL AND u.object_end IS NULL
 WHERE b.parcel_ids && %s AND b.version_end IS NULL AND b.object_end IS NULL
 GROUP BY b.building_id, b.kst_type, b.floors_above, b.floors_below, b.built_up_area_m2,
          b.registration_unit_id
 ORDER BY b.building_id
"""


def building_cards(
    conn: psycopg.Connection, parcel_ids: Sequence[str], site: Site
) -> tuple[BuildingCard, ...]:
    """The buildings standing on any of ``parcel_ids`` (none: an empty tuple)."""
    known = conn.execute(
        "SELECT parcel_id FROM data.parcel WHERE parcel_id = ANY(%s)"
        " AND version_end IS NULL AND object_end IS NULL",
        (list(parcel_ids),),
    ).fetchall()
    missing = set(parcel_ids) - {row[0] for row in known}
    if missing:
        raise UnknownParcels(f"not in the register: {', '.join(sorted(missing))}")
    return tuple(_card(row, site) for row in conn.execute(_CARDS, (list(parcel_ids),)))


def _card(row: tuple[Any, ...], site: Site) -> BuildingCard:
    building_id, kst, above, below, area, jrb, parcel_ids, numbers, unit, district = row
    kind = f"{kst} – {KST_LABELS[kst]}" if kst in KST_LABELS else kst
    return BuildingCard(
        building_id=building_id, kst_type=kind, floors_above=above, floors_below=below,
        built_up_area_m2=area, registration_unit_id=jrb, parcel_ids=tuple(parcel_ids),
        parcel_numbers=tuple(numbers), voivodeship=site.county.voivodeship.pl,
        county=site.county.name.pl, cadastral_unit=unit, district=district,
    )  # fmt: skip
