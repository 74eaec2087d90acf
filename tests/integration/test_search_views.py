"""The search views and indexes of migration 0005 in a real PostGIS: keys as Python folds
them, indexes the prefix ranges can use, the public role reading them, no subject columns."""

from __future__ import annotations

import pytest
from psycopg import sql

from geoportal.schema import other_views
from geoportal.search.keys import number_key, search_key, street_key

TRICKY = [
    "Łask 1 – Śródmieście", "ŻÓŁĆ gęślą jaźń", "  spaces   inside ", "Sędziejowice-Kolonia",
    "ul. Warszawska", "Aleja 3 Maja", "pl.Wolności", "Plac  Wolności", "Polna", "<script>x",
    "İstanbul", "K\u212a", "straße", "Ŧest", "12 A", "13/4", "a\u0301", "Ø", "æ", "",
]  # fmt: skip


@pytest.fixture(scope="module")
def names(database, demo_loaded) -> list[str]:
    with database.connect("owner") as conn:
        rows = conn.execute(
            "SELECT name FROM data.cadastral_district UNION SELECT name FROM data.cadastral_unit"
            " UNION SELECT locality FROM data.address UNION SELECT street FROM data.address"
            " WHERE street IS NOT NULL UNION SELECT house_number FROM data.address"
        ).fetchall()
    return [row[0] for row in rows] + TRICKY


@pytest.mark.parametrize(
    ("function", "python"),
    [("search_key", search_key), ("street_key", street_key), ("number_key", number_key)],
)
def test_sql_folds_exactly_as_python(database, names, function, python):
    query = sql.SQL("SELECT t, data.{}(t) FROM unnest(%s::text[]) AS t").format(
        sql.Identifier(function)
    )
    with database.connect("owner") as conn:
        rows = conn.execute(query, (names,)).fetchall()
    different = [(text, got, python(text)) for text, got in rows if got != python(text)]
    assert different == []


# Filled when the portal starts (services/records.py), not by a data load.
WRITTEN_AT_START = {"catalogue_records"}


def test_public_role_reads_every_search_view(database, demo_loaded):
    with database.connect("public") as conn:
        for name in other_views():
            count = conn.execute(
                sql.SQL("SELECT count(*) FROM publish.{}").format(sql.Identifier(name))
            ).fetchone()
            assert count is not None, name
            assert count[0] > 0 or name in WRITTEN_AT_START, name


def test_search_views_have_no_subject_columns(database):
    personal = {"first_name", "second_name", "surname", "father_name", "mother_name", "pesel",
                "regon", "subject_local_id", "member_ids", "numerator", "denominator"}  # fmt: skip
    with database.connect("owner") as conn:
        rows = conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = 'publish' AND table_name = ANY(%s)",
            (list(other_views()),),
        ).fetchall()
        used = conn.execute(
            "SELECT DISTINCT view_name, table_name FROM information_schema.view_table_usage"
            " WHERE view_schema = 'publish' AND view_name = ANY(%s)",
            (list(other_views()),),
        ).fetchall()
    # pycsw's column "denominator" is a map's scale denominator, not a share's
    allowed = {("catalogue_records", "denominator")}
    assert not [row for row in rows if row[1] in personal and tuple(row) not in allowed]
    assert not [row for row in used if row[1] in ("subject", "share")]


PLANS = {
    "parcel id prefix": (
        "SELECT parcel_id FROM publish.search_parcels"
        " WHERE parcel_id >= '100302_4.0001.1' AND parcel_id < '100302_4.0001.2'"
        " ORDER BY parcel_id LIMIT 10",
        "parcel_search_id",
    ),
    "obręb + number": (
        "SELECT parcel_id FROM publish.search_parcels WHERE district_id = '100302_4.0001'"
        " AND number >= '1' AND number < '2' ORDER BY number LIMIT 10",
        "parcel_search_number",
    ),
    "locality + street + number": (
        "SELECT gid FROM publish.search_addresses WHERE locality_key >= 'lask'"
        " AND locality_key < 'lasl' AND street_key >= 'warszawska' AND street_key < 'warszawskb'"
        " AND number_key >= '12' AND number_key < '13'",
        "address_search_locality",
    ),
    "street + number": (
        "SELECT gid FROM publish.search_addresses WHERE street_key >= 'warszawska'"
        " AND street_key < 'warszawskb' AND number_key >= '12' AND number_key < '13'",
        "address_search_street",
    ),
    "buildings of a parcel": (
        "SELECT building_id FROM publish.parcel_buildings"
        " WHERE parcel_ids @> ARRAY['100302_4.0001.1']::text[]",
        "building_parcel_ids",
    ),
}


@pytest.mark.parametrize("name", list(PLANS))
def test_search_queries_can_use_their_index(database, demo_loaded, name):
    """The view's expression is the index's (sequential scans off: a small county's tables
    are scanned faster than probed, which hides a mismatch)."""
    query, index = PLANS[name]
    with database.connect("public") as conn:
        conn.execute("SET enable_seqscan = off")
        plan = "\n".join(row[0] for row in conn.execute("EXPLAIN " + query).fetchall())
    assert index in plan, plan
