"""Hostile and broken files: a clear error naming the file, nothing written, nothing lost.

Each case goes through the whole load (``load_files``, as ``geoportal etl run`` calls it)
against the real PostGIS with the demo county published. After each: the load is refused
with a message that names the file and the problem, the published data are exactly as
before, the run is recorded as failed, and nothing appeared outside the work folder.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import shapely
from pyogrio.raw import write
from shapely.geometry import box

from etl.pipeline import LoadError, load_files

CASES: dict[str, tuple[Callable[[Path], Path], str, str | None]] = {}


def case(message: str, profile: str | None = None):
    """Register a file builder with the message its refusal must contain."""

    def register(build: Callable[[Path], Path]) -> Callable[[Path], Path]:
        CASES[build.__name__] = (build, message, profile)
        return build

    return register


EGIB_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<gml:FeatureCollection xmlns:gml="http://www.opengis.net/gml/3.2"'
    ' xmlns:egb="ewidencjaGruntowIBudynkow:1.0" gml:id="fc">\n'
)


@case("malformed.gml: not well-formed XML")
def malformed(folder: Path) -> Path:
    path = folder / "malformed.gml"
    path.write_text(EGIB_HEAD + "<gml:featureMember><egb:EGB_DzialkaEwidencyjna gml:id='a'>"
                    "<egb:idDzialki>1</egb:idDzialki></gml:featureMember>")  # fmt: skip
    return path


@case("unknown.gml: not a recognised exchange format")
def unknown_schema(folder: Path) -> Path:
    path = folder / "unknown.gml"
    path.write_text('<?xml version="1.0"?><gml:FeatureCollection xmlns:gml='
                    '"http://www.opengis.net/gml/3.2" xmlns:x="urn:example:other">'
                    "<gml:featureMember><x:Thing/></gml:featureMember>"
                    "</gml:FeatureCollection>")  # fmt: skip
    return path


@case("bomb.gml: refused as unsafe")
def xml_bomb(folder: Path) -> Path:
    entities = "".join(f'<!ENTITY e{i} "{f"&e{i - 1};" * 10}">' for i in range(1, 10))
    path = folder / "bomb.gml"
    path.write_text(f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e0 "boom">{entities}]>'
                    + EGIB_HEAD.split("\n", 1)[1] + "&e9;</gml:FeatureCollection>")  # fmt: skip
    return path


@case("xxe.gml: refused as unsafe")
def external_entity(folder: Path) -> Path:
    path = folder / "xxe.gml"
    path.write_text('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                    + EGIB_HEAD.split("\n", 1)[1] + "&x;</gml:FeatureCollection>")  # fmt: skip
    return path


@case("truncated.gml: not well-formed XML")
def truncated_gml(folder: Path) -> Path:
    source = sorted(DEMO_DIR[0].glob("egib/EGIB_1*_*.gml"))[0].read_bytes()
    path = folder / "truncated.gml"
    path.write_bytes(source[: len(source) // 2])
    return path


@case("million.gml: a value (a coordinate list?) is over")
def million_vertices_gml(folder: Path) -> Path:
    ring = " ".join(f"{5800000 + i * 1e-4:.4f} {7500000 + (i % 2) * 1e-4:.4f}"
                    for i in range(1_000_000))  # fmt: skip
    path = folder / "million.gml"
    path.write_text(
        EGIB_HEAD + '<gml:featureMember><egb:EGB_DzialkaEwidencyjna gml:id="p1">'
        "<egb:idDzialki>100301_1.0001.1</egb:idDzialki><egb:geometria><gml:Polygon "
        'srsName="urn:ogc:def:crs:EPSG::2180"><gml:exterior><gml:LinearRing><gml:posList>'
        f"{ring} 5800000.0000 7500000.0000</gml:posList></gml:LinearRing></gml:exterior>"
        "</gml:Polygon></egb:geometria></egb:EGB_DzialkaEwidencyjna></gml:featureMember>"
        "</gml:FeatureCollection>"
    )
    return path


def _zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


def _shapefile(folder: Path, fields: dict[str, str] | None = None) -> Path:
    """A one-parcel shapefile with KIEG attribute names, written by GDAL."""
    columns = {"ID_DZIALKI": "100301_1.0001.77", "NUMER_DZIA": "77", **(fields or {})}
    path = folder / "dzialki.shp"
    with warnings.catch_warnings():  # GDAL launders a field name that is not a DBF name
        warnings.simplefilter("ignore", RuntimeWarning)
        write(path, np.array([shapely.to_wkb(box(500000, 400000, 500010, 400010))], object),
              [np.array([value], object) for value in columns.values()] + [np.array([0.01])],
              [*columns, "POLE_EWIDE"], driver="ESRI Shapefile", geometry_type="Polygon",
              crs="EPSG:2180")  # fmt: skip
    return path


@case("bomb.zip: entry 'dzialki.shp' is compressed", "parcels-kieg")
def zip_bomb(folder: Path) -> Path:
    return _zip(folder / "bomb.zip", {"dzialki.shp": b"\0" * (300 << 20)})


@case("(path traversal)", "parcels-kieg")
def zip_traversal(folder: Path) -> Path:
    return _zip(folder / "traversal.zip", {"../../escaped.shp": b"x" * 100})


@case("its name is an absolute path", "parcels-kieg")
def zip_absolute(folder: Path) -> Path:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr(zipfile.ZipInfo("/tmp/absolute-escape.shp"), b"x" * 100)
    path = folder / "absolute.zip"
    path.write_bytes(data.getvalue())
    return path


@case("dzialki.shx is missing", "parcels-kieg")
def shapefile_without_shx(folder: Path) -> Path:
    path = _shapefile(folder)
    path.with_suffix(".shx").unlink()
    return path


@case("dzialki.dbf is missing", "parcels-kieg")
def shapefile_without_dbf(folder: Path) -> Path:
    path = _shapefile(folder)
    path.with_suffix(".dbf").unlink()
    return path


@case("dzialki.shp: the .shx points past the end of the .shp", "parcels-kieg")
def truncated_shapefile(folder: Path) -> Path:
    path = _shapefile(folder)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 40])
    return path


@case("vertices, more than the limit of 1,000,000", "parcels-kieg")
def million_vertices_geojson(folder: Path) -> Path:
    ring = ",".join(f"[{500000 + i * 1e-4:.4f},{400000 + (i % 2) * 1e-4:.4f}]"
                    for i in range(1_000_001))  # fmt: skip
    path = folder / "million.geojson"
    path.write_text(
        '{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:2180"}},'
        '"features":[{"type":"Feature","properties":{"ID_DZIALKI":"100301_1.0001.1","POLE_EWIDENCYJNE":0.1},'
        f'"geometry":{{"type":"Polygon","coordinates":[[{ring},[500000.0,400000.0]]]}}}}]}}'
    )
    return path


DEMO_DIR: list[Path] = []


def _snapshot(database) -> tuple:
    with database.connect("owner") as conn:
        return conn.execute(
            "SELECT (SELECT count(*) FROM data.parcel), (SELECT max(gid) FROM data.parcel),"
            " (SELECT count(*) FROM data.building), (SELECT count(*) FROM data.plan_zone),"
            " (SELECT count(*) FROM ops.etl_quarantine)"
        ).fetchone()


def _runs(database) -> list[tuple]:
    with database.connect("owner") as conn:
        return conn.execute("SELECT run_id, status FROM ops.etl_run ORDER BY run_id").fetchall()


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_bad_file_is_refused_by_name_and_nothing_changes(
    name, database, demo_loaded, tmp_path, monkeypatch
):
    from etl.demo import demo_dir

    DEMO_DIR[:] = [demo_dir(database.settings)]
    build, message, profile = CASES[name]
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setenv("TMPDIR", str(work / "tmp"))  # zips unpack under the work folder
    (work / "tmp").mkdir()
    path = build(work)
    before_files = {p for p in tmp_path.parent.rglob("*")}
    before, runs = _snapshot(database), _runs(database)
    with pytest.raises(LoadError) as refused:
        load_files(database, [path], profile=profile)
    text = str(refused.value)
    assert message in text, text
    assert "Traceback" not in text and len(text) < 2000
    assert "root:" not in text  # no /etc/passwd content leaks into a message
    assert _snapshot(database) == before
    escaped = {p for p in tmp_path.parent.rglob("*")} - before_files
    assert not [p for p in escaped if not p.is_relative_to(work)], escaped
    assert not Path("/tmp/absolute-escape.shp").exists()
    assert (
        list((database.settings.var_dir / "work").iterdir()) == []
    )  # spools and unpacked zips gone
    # refused before reading (unknown or unsafe file: no run), or recorded as a failed run
    assert [status for _, status in _runs(database)[len(runs) :]] in ([], ["failed"])
