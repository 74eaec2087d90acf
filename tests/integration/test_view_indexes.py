"""Every layer's view answers a box from an index: a map, a tile or a bbox query must not
compute its geometry for every row of the county (the parcel-number view draws label
points, an expression: without an index on it a GetMap took 0.8 s on 300k parcels)."""

from __future__ import annotations

import pytest
from psycopg import sql

from geoportal.catalog import Catalog
from geoportal.settings import PROJECT_ROOT

# A handful of rows a county: the window function naming gminy needs all of them, and
# reading them all costs less than a probe (layers/cadastral_units/view.sql).
WHOLE_VIEW = {"cadastral_units"}
LAYERS = [layer for layer in Catalog.load(PROJECT_ROOT / "layers").layers
          if layer.id not in WHOLE_VIEW]  # fmt: skip
BOX = "ST_MakeEnvelope(509000, 413500, 509300, 413800, 2180)"


@pytest.mark.parametrize("layer", LAYERS, ids=[layer.id for layer in LAYERS])
def test_a_box_query_on_the_layer_uses_an_index(database, demo_loaded, layer):
    """Sequential scans off: a small county's tables are scanned faster than probed,
    which would hide a view whose geometry no index covers."""
    query = sql.SQL("EXPLAIN SELECT 1 FROM {} WHERE ST_Intersects(geom, {})").format(
        sql.Identifier("publish", layer.view), sql.SQL(BOX)
    )
    with database.connect("public") as conn:
        conn.execute("SET enable_seqscan = off")
        plan = "\n".join(row[0] for row in conn.execute(query).fetchall())
    # the box itself is an index condition, not a filter applied to every row
    assert any("Index Cond" in line and "&&" in line for line in plan.splitlines()), plan
