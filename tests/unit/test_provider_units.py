"""Pure parts of the OGC API provider and guard: CRS, bbox, values, CQL, rules, config."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import yaml
from pygeofilter.parsers.ecql import parse as parse_ecql

from geoportal.instance import Instance
from services.configgen.pygeoapi import build_pygeoapi_config
from services.configgen.sources import sources_of
from services.providers.bbox import BBoxError, parse_bbox
from services.providers.cql import cql_clause
from services.providers.crs import CRS84, normalize_crs, served_crs
from services.providers.fields import FieldValueError, coerce
from services.providers.sqlquery import QueryError
from services.providers.view import ViewConfigError, view_spec
from services.pygeoapi.rules import Refusal, check_path, check_query, collections_from_config

EPSG = "http://www.opengis.net/def/crs/EPSG/0/{}"


@pytest.fixture(scope="module")
def config() -> dict:
    return yaml.safe_load(build_pygeoapi_config(sources_of(Instance())))


@pytest.fixture(scope="module")
def parcels_spec(config):
    return view_spec(config["resources"]["parcels"]["providers"][0])


@pytest.mark.parametrize(
    ("text", "uri"),
    [
        ("EPSG:2180", EPSG.format(2180)), ("[EPSG:2180]", EPSG.format(2180)),
        ("urn:ogc:def:crs:EPSG::4326", EPSG.format(4326)), ("epsg:3857", EPSG.format(3857)),
        ("https://www.opengis.net/def/crs/EPSG/0/2180", EPSG.format(2180)),
        ("OGC:CRS84", CRS84), (CRS84, CRS84),
        ("EPSG:99999", None), ("EPSG:4326;DROP", None), ("EPSG:2177", None), ("", None),
        ('GEOGCS["WGS 84"]', None), ("http://example.com/def/crs/EPSG/0/2180", None),
    ],
)  # fmt: skip
def test_normalize_crs(text, uri):
    assert normalize_crs(text) == uri


def test_axis_order_follows_the_epsg_definitions():
    assert served_crs(EPSG.format(2180)).northing_first
    assert served_crs(EPSG.format(4326)).northing_first
    assert not served_crs(EPSG.format(3857)).northing_first
    assert not served_crs(CRS84).northing_first


def test_bbox_in_northing_first_crs_becomes_easting_first():
    env = parse_bbox("416000,509000,416100,509200", EPSG.format(2180))
    assert (env.xmin, env.ymin, env.xmax, env.ymax) == (509000, 416000, 509200, 416100)
    env = parse_bbox("19.1,51.5,0,19.2,51.6,10", CRS84)
    assert (env.xmin, env.ymin, env.xmax, env.ymax) == (19.1, 51.5, 19.2, 51.6)


@pytest.mark.parametrize(
    "text",
    ["1,2,3", "1,2,3,4,5", "nan,1,2,3", "1,2,inf,4", "1,2,3,4c", "2,1,1,2", "1,1,1,1",
     "1_0,1,20,2", " ,1,2,3", "-181,0,0,1", "0,-91,1,0", "0x1,0,1,1"],
)  # fmt: skip
def test_bad_bbox(text):
    with pytest.raises(BBoxError) as info:
        parse_bbox(text, CRS84)
    assert info.value.pl and info.value.en


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [("12", "integer", 12), ("1.25", "number", Decimal("1.25")), ("x", "string", "x"),
     ("2024-05-01", "date", dt.date(2024, 5, 1)), (3, "number", Decimal("3"))],
)  # fmt: skip
def test_coerce(value, kind, expected):
    assert coerce(value, kind) == expected


@pytest.mark.parametrize(
    ("value", "kind"),
    [("1.5", "integer"), ("abc", "number"), ("NaN", "number"), ("2024-13-01", "date"),
     (True, "integer"), ("x" * 300, "string"), ("1e400", "number")],
)  # fmt: skip
def test_coerce_refuses(value, kind):
    with pytest.raises(FieldValueError):
        coerce(value, kind)


def test_cql_values_are_parameters(parcels_spec):
    clause = cql_clause(parcels_spec, parse_ecql("number = 'x\" OR 1=1 --' AND area_ha > 2"))
    assert 'x" OR 1=1 --' in clause.params and Decimal(2) in clause.params
    assert "OR 1=1" not in clause.sql.as_string(None)


@pytest.mark.parametrize(
    "text",
    ["gid = 1", "nosuch = 1", "number = parcel_id", "area_ha = 'x'", "number + 1 = 2",
     "strlen(number) = 1", "data_date BEFORE 2020-01-01T00:00:00Z",
     " AND ".join(["number = '1'"] * 300)],
)  # fmt: skip
def test_cql_refuses(parcels_spec, text):
    with pytest.raises(QueryError):
        cql_clause(parcels_spec, parse_ecql(text))


def test_like_pattern_escapes_sql_wildcards(parcels_spec):
    clause = cql_clause(parcels_spec, parse_ecql("number LIKE '1_%'"))
    assert clause.params == ["1\\_%"]


def test_view_spec_refuses_unsafe_names(config):
    block = config["resources"]["parcels"]["providers"][0]
    for key, value in [("view", "parcels; DROP"), ("schema", "Publish"), ("role", "owner")]:
        with pytest.raises(ViewConfigError):
            view_spec({**block, "data": {**block["data"], key: value}})


def test_paths(config):
    collections = collections_from_config(config)
    assert check_path("/", collections)[0] == "landing"
    assert check_path("/collections/parcels/items/12", collections)[0] == "item"
    assert check_path("/static/css/default.css", collections)[0] == "static"
    for path in ["/collections/../x", "/collections/parcels/x/y", "/static/../x", "/a"]:
        with pytest.raises(Refusal):
            check_path(path, collections)


def test_query_canonicalises_crs_for_pygeoapi(config):
    parcels = collections_from_config(config)["parcels"]
    checked = check_query("items", parcels, "bbox=416000,509000,416100,509100&bbox-crs=EPSG:2180")
    assert checked.query_string and "EPSG%2F0%2F2180" in checked.query_string
    assert checked.scope.bbox is not None and checked.scope.bbox.xmin == 509000
    assert check_query("items", parcels, "limit=5").query_string is None


def test_generated_config_is_deterministic_and_committed():
    instance = Instance()
    text = build_pygeoapi_config(sources_of(instance))
    assert text == build_pygeoapi_config(sources_of(Instance()))
    committed = instance.settings.config_dir / "pygeoapi-config.yml"
    assert text == committed.read_text(encoding="utf-8")
    document = yaml.safe_load(text)
    assert document["server"]["limits"] == {"default_items": 1000, "max_items": 10000,
                                            "on_exceed": "throttle"}  # fmt: skip
    for resource in document["resources"].values():
        for provider in resource.get("providers", []):
            if provider["type"] in ("feature", "tile"):  # the database ones
                assert set(provider["data"]) == {"role", "schema", "view", "fields"}  # no host
            elif provider["type"] == "map":  # drawn by /ows in-process: a name, no URL
                assert isinstance(provider["data"], str) and "://" not in provider["data"]
            else:  # the metadata records: a file named at run time
                assert provider["data"] == "RECORDS_FILE"
