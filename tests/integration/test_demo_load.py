"""When ``geoportal run`` loads the demo county: into an empty database, and over an earlier
demo load that lacks the topographic map or the general plan, but never over a county's own
data."""

from __future__ import annotations

from etl.demo import demo_needs_loading


def test_the_demo_is_loaded_again_only_over_an_older_demo(database, demo_loaded):
    with database.connect("owner") as conn:
        try:
            assert demo_needs_loading(conn) is False  # the current demo, map included
            # an older demo load: only the demo's runs, no topographic map
            conn.execute(
                "UPDATE ops.etl_run SET status = 'failed'"
                " WHERE source NOT LIKE 'EGIB_1003_podmioty.gml%'"
            )
            conn.execute("DELETE FROM data.topo_road")
            assert demo_needs_loading(conn) is True
            # a county's own load among them: its data are never joined by the demo's
            conn.execute("INSERT INTO ops.etl_run (source, status) VALUES ('dzialki.shp', 'done')")
            assert demo_needs_loading(conn) is False
        finally:
            conn.rollback()
    with database.connect("owner") as conn:  # nothing of the above stayed
        assert conn.execute("SELECT count(*) FROM data.topo_road").fetchone()[0] > 0


def test_an_older_demo_without_the_general_plan_is_loaded_again(database, demo_loaded):
    with database.connect("owner") as conn:
        try:
            conn.execute(
                "UPDATE ops.etl_run SET status = 'failed'"
                " WHERE source NOT LIKE 'EGIB_1003_podmioty.gml%'"
            )
            assert demo_needs_loading(conn) is False  # map and general plan both there
            conn.execute("DELETE FROM data.general_plan_zone")
            assert demo_needs_loading(conn) is True
        finally:
            conn.rollback()
    with database.connect("owner") as conn:
        assert conn.execute("SELECT count(*) FROM data.general_plan_zone").fetchone()[0] > 0
