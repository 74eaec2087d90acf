"""The parcels as they were on a date (``/api/historia``) after two real ETL loads.

A parcel cut from the generated demo county is loaded into a namespace of its own, then a
second load gives it a new version (legal area and a geometry moved 25 m east) starting on
2026-05-04 10:00. The expected geometries come from the first load's row, read as the
owner with plain SQL, and from shapely moving it; the API is asked as the public role
through the Flask app.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import numpy as np
import pytest
import shapely
from flask.testing import FlaskClient
from pyproj import Transformer
from shapely import affinity, wkt
from shapely.geometry import shape

from etl.demo import demo_dir
from etl.pipeline import load_files
from tests.integration.test_etl_load import TEST_NAMESPACE, _cut, _new_version, _write

CHANGED_AT = "2026-05-04T10:00:00"
SHIFT_M = 25.0
TO_2180 = Transformer.from_crs(4326, 2180, always_xy=True)
WARSAW = ZoneInfo("Europe/Warsaw")


def _shift_east(member: str, metres: float) -> str:
    """Move every vertex east: posList pairs are northing, easting (EPSG:2180 axis order)."""

    def moved(match: re.Match[str]) -> str:
        numbers = [float(v) for v in match.group(2).split()]
        shifted = [v + metres if i % 2 else v for i, v in enumerate(numbers)]
        return match.group(1) + " ".join(f"{v:.2f}" for v in shifted) + match.group(3)

    return re.sub(r"(<gml:posList[^>]*>)([^<]+)(</gml:posList>)", moved, member)


@pytest.fixture
def client() -> FlaskClient:
    from geoportal.instance import Instance
    from tests.conftest import test_settings
    from web.app import create_flask_app

    return create_flask_app(Instance(test_settings())).test_client()


@pytest.fixture
def two_loads(database, settings, demo_loaded, tmp_path) -> Iterator[dict]:
    """The test parcel loaded, then changed; its id and first geometry (EPSG:2180)."""
    source = sorted(demo_dir(settings).glob("egib/EGIB_1*_*.gml"))[0]
    header, members, footer = _cut(source, 1)
    load_files(database, [_write(tmp_path / "first.gml", header, members, footer)])
    changed = _shift_east(_new_version(members[0], CHANGED_AT, "1.2345"), SHIFT_M)
    load_files(database, [_write(tmp_path / "second.gml", header, [changed], footer)])
    with database.connect("owner") as conn:
        rows = conn.execute(
            "SELECT parcel_id, ST_AsText(geom), version_end IS NULL FROM data.parcel"
            " WHERE namespace = %s ORDER BY version_start",
            (TEST_NAMESPACE,),
        ).fetchall()
    assert [row[2] for row in rows] == [False, True], "the second load made no new version"
    try:
        yield {"parcel_id": rows[0][0], "old": wkt.loads(rows[0][1])}
    finally:
        with database.connect("owner") as conn:
            conn.execute("DELETE FROM data.parcel WHERE namespace = %s", (TEST_NAMESPACE,))


def _bbox(geometry) -> str:
    xmin, ymin, xmax, ymax = geometry.buffer(100).bounds
    return f"{xmin:.1f},{ymin:.1f},{xmax:.1f},{ymax:.1f}"


def _geometry_on(client: FlaskClient, day: str, parcel_id: str, bbox: str):
    response = client.get(f"/api/historia/dzialki?date={day}&bbox={bbox}")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/geo+json"
    answer = response.get_json()
    found = [f for f in answer["features"] if f["properties"]["parcel_id"] == parcel_id]
    assert len(found) == 1, f"{day}: {len(found)} versions of {parcel_id}"
    lonlat = shape(found[0]["geometry"])
    geometry = shapely.transform(lonlat, lambda xy: np.column_stack(TO_2180.transform(*xy.T)))
    return geometry, found[0]["properties"]


def test_the_old_geometry_before_the_change_and_the_new_one_after(client, two_loads):
    parcel_id, old = two_loads["parcel_id"], two_loads["old"]
    new = affinity.translate(old, xoff=SHIFT_M)
    bbox = _bbox(new.union(old))
    expectations = [("2026-05-01", old, None), ("2026-05-03", old, None),
                    ("2026-05-04", new, 1.2345), ("2026-06-01", new, 1.2345)]  # fmt: skip
    for day, expected, area in expectations:
        got, properties = _geometry_on(client, day, parcel_id, bbox)
        assert got.hausdorff_distance(expected) < 0.05, (day, got.hausdorff_distance(expected))
        if area is not None:
            assert properties["area_ha"] == area
        else:
            assert properties["area_ha"] != 1.2345 and properties["version_end"] is not None
    # today: the current version, as the publish view of current parcels has it
    got, _ = _geometry_on(client, dt.date.today().isoformat(), parcel_id, bbox)
    assert got.hausdorff_distance(new) < 0.05


def test_dates_and_boxes_the_register_cannot_answer_are_refused(client, database, two_loads):
    bbox = _bbox(two_loads["old"])
    with database.connect("owner") as conn:
        row = conn.execute("SELECT min(version_start) FROM data.parcel").fetchone()
    assert row is not None
    first = row[0].astimezone(WARSAW).date()
    tomorrow = (dt.datetime.now(WARSAW) + dt.timedelta(days=1)).date()
    cases = {
        f"date={tomorrow}&bbox={bbox}": ("date_future", "przyszłości"),
        f"date={first - dt.timedelta(days=1)}&bbox={bbox}": ("date_before_data", str(first)),
        f"date=2026-02-30&bbox={bbox}": ("date_malformed", "RRRR-MM-DD"),
        f"date=01.05.2026&bbox={bbox}": ("date_malformed", "RRRR-MM-DD"),
        f"date=2026-5-1&bbox={bbox}": ("date_malformed", "RRRR-MM-DD"),
        f"bbox={bbox}": ("date_missing", "date="),
        "date=2026-05-01": ("bbox_malformed", "bbox"),
        "date=2026-05-01&bbox=1,2,3": ("bbox_malformed", "bbox"),
        "date=2026-05-01&bbox=500000,400000,490000,410000": ("bbox_malformed", "bbox"),
        "date=2026-05-01&bbox=nan,1,2,3": ("bbox_malformed", "bbox"),
        "date=2026-05-01&bbox=480000,400000,520000,440000": ("bbox_too_large", "10000"),
        f"date=2026-05-01&bbox={bbox}&layer=x": ("unknown_parameter", "layer"),
        f"date=2026-05-01&date=2026-05-02&bbox={bbox}": ("repeated_parameter", "więcej"),
    }
    for query, (code, words) in cases.items():
        response = client.get(f"/api/historia/dzialki?{query}")
        assert response.status_code == 400, query
        answer = response.get_json()
        assert answer["code"] == code and words in answer["text"], (query, answer)
    english = client.get(f"/api/historia/dzialki?date={tomorrow}&bbox={bbox}&lang=en")
    assert "future" in english.get_json()["text"]
    # the first day itself is answered
    assert client.get(f"/api/historia/dzialki?date={first}&bbox={bbox}").status_code == 200


def test_the_range_is_the_first_version_to_today(client, database, two_loads):
    with database.connect("owner") as conn:
        row = conn.execute("SELECT min(version_start) FROM data.parcel").fetchone()
    assert row is not None
    answer = client.get("/api/historia").get_json()
    assert answer == {
        "first": row[0].astimezone(WARSAW).date().isoformat(),
        "last": dt.datetime.now(WARSAW).date().isoformat(),
    }


def test_the_public_role_reads_every_version_without_subject_columns(database, two_loads):
    with database.connect("public") as conn:
        columns = [
            row[0]
            for row in conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema ="
                " 'publish' AND table_name = 'parcel_versions' ORDER BY ordinal_position"
            )
        ]
        versions = conn.execute(
            "SELECT count(*) FROM publish.parcel_versions WHERE parcel_id = %s",
            (two_loads["parcel_id"],),
        ).fetchone()
    assert columns == ["gid", "parcel_id", "number", "area_ha", "version_start",
                       "version_end", "geom"]  # fmt: skip
    assert versions == (2,)
