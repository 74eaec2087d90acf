"""A wypis's content read from the EGiB tables (``data``), per § 36 of the 2021 regulation.

Parcels are grouped by their registration unit; each unit shows its place in the register
(voivodeship, county, jednostka ewidencyjna, obręb), its parcels with land uses and soil
classes, the buildings on them, and — only in the variant with personal data — the
owners and holders with their shares. PESEL is never selected. Reading owners needs a
connection of the staff role (the application role has no grant on ``subject`` and
``share``: art. 24 ust. 5 PGiK).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import psycopg

from geoportal.documents.content import Building, LandUse, Owner, Parcel, RegistrationUnit
from geoportal.site import Site

_PARCELS = """
SELECT p.parcel_id, p.number, p.sheet, p.area_ha, p.land_register_no,
       coalesce(p.registration_unit_id, ''), p.land_uses,
       u.unit_id, u.name, split_part(d.district_id, '.', 2), d.name
  FROM data.parcel p
  JOIN data.cadastral_district d
    ON d.district_id = p.district_id AND d.version_end IS NULL AND d.object_end IS NULL
  JOIN data.cadastral_unit u
    ON u.unit_id = d.unit_id AND u.version_end IS NULL AND u.object_end IS NULL
 WHERE p.parcel_id = ANY(%s) AND p.version_end IS NULL AND p.object_end IS NULL
 ORDER BY p.registration_unit_id, p.parcel_id
"""

_BUILDINGS = """
SELECT b.building_id, b.kst_type, b.floors_above, b.floors_below, b.built_up_area_m2,
       b.parcel_ids
  FROM data.building b
 WHERE b.parcel_ids && %s AND b.version_end IS NULL AND b.object_end IS NULL
 ORDER BY b.building_id
"""

# Owners and holders of one unit: names, parents' names and address; no PESEL.
_OWNERS = """
SELECT s.subject_kind, s.first_name, s.surname, s.father_name, s.mother_name,
       coalesce(s.name, (SELECT string_agg(concat_ws(' ', m.first_name, m.surname), ' i '
                                           ORDER BY m.surname, m.first_name)
                           FROM data.subject m
                          WHERE m.local_id = ANY(s.member_ids)
                            AND m.version_end IS NULL AND m.object_end IS NULL)),
       s.address, sh.numerator, sh.denominator, sh.share_kind
  FROM data.share sh
  JOIN data.subject s
    ON s.local_id = sh.subject_local_id AND s.version_end IS NULL AND s.object_end IS NULL
 WHERE sh.registration_unit_id = %s AND sh.version_end IS NULL AND sh.object_end IS NULL
 ORDER BY sh.share_kind DESC, s.surname NULLS LAST, s.name, s.first_name
"""


class UnknownParcels(LookupError):
    """Parcels of a request that the register does not hold (any more)."""


def registration_units(
    conn: psycopg.Connection,
    parcel_ids: Sequence[str],
    site: Site,
    owners_conn: psycopg.Connection | None = None,
    with_buildings: bool = True,
) -> tuple[RegistrationUnit, ...]:
    """The units holding ``parcel_ids``, each with only the requested parcels.

    ``owners_conn`` (a staff-role connection) adds the owners; without it the units carry
    ``owners=None``, the variant without personal data.
    """
    rows = conn.execute(_PARCELS, (list(parcel_ids),)).fetchall()
    missing = set(parcel_ids) - {row[0] for row in rows}
    if missing:
        raise UnknownParcels(f"not in the register: {', '.join(sorted(missing))}")
    by_unit: dict[str, list[tuple[Any, ...]]] = {}
    for row in rows:
        by_unit.setdefault(row[5], []).append(row)
    buildings = _buildings(conn, list(parcel_ids)) if with_buildings else []
    units = []
    for unit_id, unit_rows in by_unit.items():
        parcels = tuple(_parcel(row) for row in unit_rows)
        first = unit_rows[0]
        numbers = {row[0]: row[1] for row in unit_rows}
        unit_buildings = tuple(
            Building(b[0], b[1], b[2], b[3], b[4], tuple(numbers[p] for p in b[5] if p in numbers))
            for b in buildings
            if set(b[5]) & numbers.keys()
        )
        owners = _owners(owners_conn, unit_id) if owners_conn is not None else None
        units.append(RegistrationUnit(
            unit_id=unit_id or "(bez jednostki rejestrowej)",
            voivodeship=site.county.voivodeship.pl, county=site.county.name.pl,
            cadastral_unit=f"{first[7]} {first[8]}", district=f"{first[9]} {first[10]}",
            parcels=parcels, buildings=unit_buildings, owners=owners,
        ))  # fmt: skip
    return tuple(units)


def _parcel(row: tuple[Any, ...]) -> Parcel:
    uses = tuple(
        LandUse(u["ofu"], u.get("ozu"), u.get("ozk"), Decimal(str(u["area_ha"])).quantize(
            Decimal("0.0001")))
        for u in row[6]
    )  # fmt: skip
    return Parcel(row[0], row[1], row[2], row[3], row[4], uses)


def _buildings(conn: psycopg.Connection, parcel_ids: list[str]) -> list[tuple[Any, ...]]:
    return conn.execute(_BUILDINGS, (parcel_ids,)).fetchall()


def _owners(conn: psycopg.Connection, unit_id: str) -> tuple[Owner, ...]:
    owners = []
    for kind, first, surname, father, mother, name, address, num, den, share_kind in conn.execute(
        _OWNERS, (unit_id,)
    ).fetchall():
        if kind == "person":
            label = " ".join(filter(None, (first, surname)))
            parents = " i ".join(filter(None, (father, mother)))
            label += f", imiona rodziców: {parents}" if parents else ""
        elif kind == "marriage":
            label = f"małżeństwo: {name}" if name else "małżeństwo"
        else:
            label = name or "(podmiot bez nazwy)"
        right = "własność" if share_kind == "ownership" else "władanie"
        owners.append(Owner(label, address, f"{num}/{den}", right))
    return tuple(owners)
