"""Attribute checks: code lists, the legal area against the geometry and the land uses.

The legal area (``poleEwidencyjne``) is the law's: differences are reported, never
"corrected" (domain reference §2). Code lists are data (``etl/codelists.yaml``).
"""

from __future__ import annotations

import re

from psycopg import sql
from sqlalchemy import Text

from etl.checks.labels import label
from etl.checks.model import CheckContext, Found
from geoportal.cadastre.tables import PERSONAL
from geoportal.tables import DATA_TABLES, columns_of

AREA_TOLERANCE = 0.05  # legal vs geometric area, relative
LAND_USE_TOLERANCE_HA = 0.0001  # one square metre


def land_use_codes(ctx: CheckContext, table: str) -> Found:
    """Land-use contours with an OFU outside the code list."""
    query = sql.SQL(
        "SELECT local_id, contour_id || ': OFU ' || quote_literal(ofu)"
        " FROM staging.land_use_contour WHERE NOT (ofu = ANY(%s))"
    )
    return ctx.found(query, (ctx.codelists["ofu"],))


def soil_class_codes(ctx: CheckContext, table: str) -> Found:
    """Soil-class contours with an OZU or OZK outside the code lists."""
    query = sql.SQL(
        "SELECT local_id, contour_id || ': OZU ' || quote_literal(ozu) || ', OZK '"
        " || coalesce(quote_literal(ozk), '-') FROM staging.soil_class_contour"
        " WHERE NOT (ozu = ANY(%s)) OR (ozk IS NOT NULL AND NOT (ozk = ANY(%s)))"
    )
    return ctx.found(query, (ctx.codelists["ozu"], ctx.codelists["ozk"]))


def parcel_land_use_codes(ctx: CheckContext, table: str) -> Found:
    """Klasoużytki of parcels with codes outside the lists."""
    query = sql.SQL(
        "SELECT DISTINCT p.local_id, p.parcel_id || ': ' || coalesce(u->>'ofu', '-') || '/'"
        " || coalesce(u->>'ozu', '-') || '/' || coalesce(u->>'ozk', '-')"
        " FROM staging.parcel p, jsonb_array_elements(p.land_uses) u"
        " WHERE NOT (coalesce(u->>'ofu', '') = ANY(%s))"
        " OR (u->>'ozu' IS NOT NULL AND NOT (u->>'ozu' = ANY(%s)))"
        " OR (u->>'ozk' IS NOT NULL AND NOT (u->>'ozk' = ANY(%s)))"
    )
    lists = ctx.codelists
    return ctx.found(query, (lists["ofu"], lists["ozu"], lists["ozk"]))


def area_differences(ctx: CheckContext, table: str) -> Found:
    """Legal area differs from the geometric one by more than the tolerance."""
    query = sql.SQL(
        "SELECT local_id, parcel_id || ': ' || area_ha || ' ha legal, '"
        " || round((ST_Area(geom) / 10000)::numeric, 4) || ' ha geometric'"
        " FROM staging.parcel WHERE area_ha > 0"
        " AND abs(ST_Area(geom) / 10000 - area_ha) / area_ha > {}"
        " ORDER BY abs(ST_Area(geom) / 10000 - area_ha) / area_ha DESC"
    ).format(sql.Literal(AREA_TOLERANCE))
    return ctx.found(query)


def land_use_sums(ctx: CheckContext, table: str) -> Found:
    """The areas of a parcel's klasoużytki do not add up to its legal area."""
    query = sql.SQL(
        "SELECT local_id, parcel_id || ': ' || total || ' ha in land uses, ' || area_ha"
        " || ' ha legal' FROM (SELECT local_id, parcel_id, area_ha, round(sum((u->>'area_ha')"
        "::numeric), 4) AS total FROM staging.parcel, jsonb_array_elements(land_uses) u"
        " GROUP BY local_id, parcel_id, area_ha) s WHERE abs(total - area_ha) > {}"
    ).format(sql.Literal(LAND_USE_TOLERANCE_HA))
    return ctx.found(query)


def building_kinds(ctx: CheckContext, table: str) -> Found:
    """Buildings whose kind (rodzaj wg KŚT) is outside the code list."""
    query = sql.SQL(
        "SELECT local_id, coalesce(building_id, local_id) || ': KŚT ' || quote_literal(kst_type)"
        " FROM staging.building WHERE kst_type IS NOT NULL AND NOT (kst_type = ANY(%s))"
    )
    return ctx.found(query, (ctx.codelists["kst"],))


def mojibake(ctx: CheckContext, table: str) -> Found:
    """Text decoded with the wrong code page: "WĂłlka" or "WÃ³lka" for "Wólka".

    Readers decide the encoding from the bytes and refuse what is ambiguous; this catches
    what was already garbled upstream, before the file was written. Values of personal
    tables are not repeated in the report: the column is named, not its content.
    """
    columns = DATA_TABLES[table].c
    text = [name for name in columns_of(table)
            if isinstance(columns[name].type, Text) and name not in SKIP_TEXT]  # fmt: skip
    if not text:
        return Found()
    shown = sql.SQL("'garbled text'") if table in PERSONAL_TABLES else sql.SQL("quote_literal(v)")
    # One regular expression over a row's text first, the column after, for the rows that
    # match: 61 strpos per value took 15 s on a 300k-parcel county.
    query = sql.SQL(
        "SELECT DISTINCT ON (local_id) local_id, {label} || ': ' || c || ' ' || {shown}"
        " FROM staging.{t} s, LATERAL (VALUES {pairs}) x(c, v)"
        " WHERE concat({columns}) ~ %(garbled)s AND v ~ %(garbled)s ORDER BY local_id"
    ).format(
        label=label(table), shown=shown, t=sql.Identifier(table),
        pairs=sql.SQL(", ").join(
            sql.SQL("({}, s.{})").format(sql.Literal(name), sql.Identifier(name)) for name in text
        ),
        columns=sql.SQL(", ").join(sql.SQL("s.{}").format(sql.Identifier(name)) for name in text),
    )  # fmt: skip
    return ctx.found(query, {"garbled": GARBLED})


def _garbled(letters: str) -> list[str]:
    """How Polish letters look when their UTF-8 bytes are read as a one-byte code page."""
    found = {"\ufffd"}  # the replacement character: bytes a decoder could not read
    for letter in letters:
        raw = letter.encode("utf-8")
        for codec in ("cp1250", "cp1252", "iso8859_2", "cp852"):
            garbled = raw.decode(codec, errors="replace")
            if "\ufffd" not in garbled:
                found.add(garbled)
    return sorted(found)


MOJIBAKE = _garbled("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")
GARBLED = "|".join(map(re.escape, MOJIBAKE))  # a PostgreSQL regular expression
SKIP_TEXT = frozenset({"namespace", "local_id", "version_id"})
PERSONAL_TABLES = frozenset(table.name for table in PERSONAL)
