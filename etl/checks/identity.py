"""Identity checks: versions given twice, identifiers against the legal rules, TERYT.

The rules themselves live in ``geoportal.cadastre.identifiers``: the parcel rule runs in
PostgreSQL as the same regular expression, the reasons for a deviation come from the
lenient reader in Python.
"""

from __future__ import annotations

from psycopg import sql

from etl.checks.labels import label, staging
from etl.checks.model import CheckContext, Found
from geoportal.cadastre.identifiers import (
    PARCEL_ID_PATTERN,
    IdentifierError,
    read_building_id,
    read_parcel_id,
)


def duplicate_objects(ctx: CheckContext, table: str) -> Found:
    """One object more than once in a snapshot (the same version twice, or two versions):
    which one is current would be a guess."""
    query = sql.SQL(
        "SELECT min(local_id), min({l}) || ' (' || count(*) || ' times, versions '"
        " || string_agg(DISTINCT version_id, ', ') || ')' FROM {t} s"
        " GROUP BY namespace, local_id HAVING count(*) > 1"
    ).format(l=label(table), t=staging(table))
    return ctx.found(query)


def duplicate_parcel_ids(ctx: CheckContext, table: str) -> Found:
    """One parcel identifier on two different objects."""
    rows = ctx.rows(sql.SQL(
        "SELECT parcel_id, array_agg(local_id ORDER BY local_id) FROM staging.parcel"
        " GROUP BY parcel_id HAVING count(DISTINCT local_id) > 1"
    ))  # fmt: skip
    return Found([lid for r in rows for lid in r[1]],
                 [f"{r[0]}: {len(r[1])} objects" for r in rows])  # fmt: skip


def parcel_ids(ctx: CheckContext, table: str) -> Found:
    """Parcel ids outside the strict rule (domain reference §1), each with its reason."""
    rows = ctx.rows(sql.SQL(
        "SELECT local_id, parcel_id FROM staging.parcel WHERE parcel_id !~ {}"
    ).format(sql.Literal(PARCEL_ID_PATTERN)))  # fmt: skip
    return Found([str(r[0]) for r in rows], [f"{r[1]}: {_parcel_reasons(r[1])}" for r in rows])


def building_ids(ctx: CheckContext, table: str) -> Found:
    """Building ids that deviate from the ULDK forms (read leniently: the rule is UNVERIFIED)."""
    found = Found()
    for local_id, building_id in ctx.rows(
        sql.SQL("SELECT local_id, building_id FROM staging.building")
    ):
        try:
            reasons = list(read_building_id(building_id).deviations)
        except IdentifierError as exc:
            reasons = [str(exc)]
        if reasons:
            found.local_ids.append(str(local_id))
            found.labels.append(f"{building_id}: {'; '.join(reasons)}")
    return found


def parcel_district_mismatch(ctx: CheckContext, table: str) -> Found:
    """The obręb a parcel points at is not the one in its identifier."""
    query = sql.SQL(
        "SELECT local_id, parcel_id || ': obręb ' || district_id FROM staging.parcel"
        " WHERE parcel_id ~ {p} AND split_part(parcel_id, '.', 1) || '.'"
        " || split_part(parcel_id, '.', 2) <> district_id"
    ).format(p=sql.Literal(PARCEL_ID_PATTERN))
    return ctx.found(query)


def district_unit_mismatch(ctx: CheckContext, table: str) -> Found:
    """An obręb whose jednostka ewidencyjna is not the prefix of its identifier."""
    query = sql.SQL(
        "SELECT local_id, district_id || ': unit ' || unit_id FROM staging.cadastral_district"
        " WHERE split_part(district_id, '.', 1) <> unit_id"
    )
    return ctx.found(query)


def outside_teryt_county(ctx: CheckContext, table: str) -> Found:
    """Units and obręby of another county than the site's (TERYT)."""
    column = {"cadastral_unit": "unit_id", "cadastral_district": "district_id"}[table]
    query = sql.SQL(
        "SELECT local_id, {c} || ': not in county ' || %s FROM {t} WHERE left({c}, 4) <> %s"
    ).format(c=sql.Identifier(column), t=staging(table))
    teryt = ctx.site.county.teryt
    return ctx.found(query, (teryt, teryt))


def units_unknown_to_terc(ctx: CheckContext, table: str) -> Found:
    """Jednostki ewidencyjne whose gmina (WWPPGG + type) the TERC register does not know."""
    in_data = ctx.rows(sql.SQL(
        "SELECT EXISTS (SELECT 1 FROM data.terc_name WHERE version_end IS NULL AND level = 'gmina')"
    ))[0][0]  # fmt: skip
    if not in_data and not ctx.loaded("terc_name"):
        return Found()  # no register loaded: nothing to compare with
    query = sql.SQL(
        "SELECT u.local_id, u.unit_id || ': gmina not in TERC' FROM staging.cadastral_unit u"
        " WHERE NOT EXISTS (SELECT 1 FROM data.terc_name t WHERE t.version_end IS NULL"
        " AND t.level = 'gmina' AND t.teryt = replace(u.unit_id, '_', ''))"
    )
    return ctx.found(query)


def _parcel_reasons(parcel_id: str) -> str:
    try:
        return "; ".join(read_parcel_id(parcel_id).deviations)
    except IdentifierError as exc:
        return str(exc)
