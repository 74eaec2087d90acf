"""Engine configurations rendered from the catalog: deterministic, committed, portable."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from geoportal.catalog import Catalog, StyleClass, Text
from geoportal.settings import PROJECT_ROOT, Settings
from services.configgen import GENERATED, build_all, check, write_all
from services.configgen.mapfile import build_mapfile, class_expression
from services.configgen.mapproxy import build_mapproxy, grid_resolutions
from services.configgen.templating import mapfile_string

SETTINGS = Settings()
REQUIRED_IN_MAPFILE = (
    '"wms_sld_enabled"                 "false"',
    "MAXSIZE 4096",
    'CONNECTION "service=geoportal_public"',
    'PROCESSING "CLOSE_CONNECTION=DEFER"',
    'DATA "geom FROM publish.parcels USING UNIQUE gid USING SRID=2180"',
    '"gml_parcel_id_alias" "ID_DZIALKI"',
    '"wfs_maxfeatures"                 "10000"',
    'FONTSET "fontset.txt"',
    'OUTLINECOLOR "#1e90ff"',
)


@pytest.fixture(scope="module")
def committed_catalog() -> Catalog:
    return Catalog.load(SETTINGS.layers_dir)


def _copy_layers(tmp_path: Path) -> Path:
    folder = tmp_path / "layers"
    shutil.copytree(SETTINGS.layers_dir, folder)
    return folder


def test_rendering_is_deterministic(committed_catalog):
    assert build_all(committed_catalog, SETTINGS) == build_all(
        Catalog.load(SETTINGS.layers_dir), SETTINGS
    )


def test_committed_files_match_the_catalog(committed_catalog):
    assert check(committed_catalog, SETTINGS) == []


def test_outputs_are_machine_independent(committed_catalog):
    machine = Settings(var_dir=Path("/srv/elsewhere/var"), host="10.1.2.3", port=9999,
                       public_url="https://geoportal.example.pl")  # fmt: skip
    assert build_all(committed_catalog, machine) == build_all(committed_catalog, SETTINGS)
    for name in ("geoportal.map", "mapproxy.yaml"):
        text = build_all(committed_catalog, SETTINGS)[name]
        assert str(PROJECT_ROOT) not in text and "/var/" not in text
        assert not re.search(r"\b(host|port|password|dbname|user)=", text)


def test_drift_is_reported(tmp_path, committed_catalog):
    layers = _copy_layers(tmp_path)
    path = layers / "parcels" / "layer.yaml"
    path.write_text(path.read_text().replace('stroke: "#1e90ff"', 'stroke: "#ff0000"'))
    assert check(Catalog.load(layers), SETTINGS) == ["geoportal.map"]
    path.write_text(path.read_text().replace("Działki ewidencyjne", "Działki"))
    assert set(check(Catalog.load(layers), SETTINGS)) >= {"geoportal.map", "mapproxy.yaml"}


def test_missing_file_is_drift_and_write_all_fixes_it(tmp_path, committed_catalog):
    local = Settings(config_dir=tmp_path / "config")
    assert set(check(committed_catalog, local)) == set(build_all(committed_catalog, local))
    written = write_all(committed_catalog, local)
    assert {path.name for path in written} == set(build_all(committed_catalog, local))
    assert check(committed_catalog, local) == []


def test_registry_names_every_generated_file():
    assert {str(path) for path in GENERATED} >= {
        "geoportal.map",
        "mapproxy.yaml",
        "pygeoapi-config.yml",
    }


def test_mapfile_has_the_required_service_settings(committed_catalog):
    text = build_mapfile(committed_catalog, SETTINGS)
    for required in REQUIRED_IN_MAPFILE:
        assert required in text, required
    assert text.count("\n  LAYER\n") == len(committed_catalog.layers)
    numbers = text[text.index('NAME "numery_dzialek"') :]
    assert '"wfs_enable_request"        "!*"' in numbers[: numbers.index("\n  END\n")]


def test_mapfile_follows_the_public_role_name(committed_catalog):
    other = Settings(roles={"public": "county_reader"})
    assert 'CONNECTION "service=county_reader"' in build_mapfile(committed_catalog, other)


def test_mapproxy_yaml_is_valid_and_complete(committed_catalog):
    conf = yaml.safe_load(build_mapproxy(committed_catalog))
    tiled = [layer.wms_name for layer in committed_catalog.for_service("tiles")]
    assert [layer["name"] for layer in conf["layers"]] == ["mapa_ewidencyjna", *tiled]
    assert conf["sources"]["ows_mapa_ewidencyjna"]["req"]["layers"] == ",".join(tiled)
    assert conf["globals"]["cache"]["meta_size"] == [4, 4]
    assert all(cache["cache"]["type"] == "file" for cache in conf["caches"].values())
    assert conf["grids"]["PL1992"]["res"] == grid_resolutions()
    assert grid_resolutions()[-1] < 0.1 and len(grid_resolutions()) == 16


@pytest.mark.parametrize(
    ("value", "expected"),
    [("plain", '"plain"'), ('say "hi"', '"say \\"hi\\""'), ("back\\slash", '"back\\\\slash"')],
)
def test_mapfile_strings_are_quoted(value, expected):
    assert mapfile_string(value) == expected


def test_mapfile_strings_cannot_span_lines():
    with pytest.raises(ValueError, match="lines"):
        mapfile_string("two\nlines")


def test_class_values_that_would_break_the_expression_are_refused():
    name = Text(pl="x", en="x")
    assert class_expression(
        StyleClass(name=name, column="ofu", values=["Ł", "Ps"], fill="#000000")
    ) == ('("[ofu]" IN "Ł,Ps")')
    with pytest.raises(ValueError, match="class value"):
        class_expression(StyleClass(name=name, column="ofu", values=['R" OR "1'], fill="#000000"))
    with pytest.raises(ValueError, match="column"):
        class_expression(StyleClass(name=name, column="ofu]", values=["R"], fill="#000000"))


def test_bad_colour_is_refused(tmp_path):
    layers = _copy_layers(tmp_path)
    path = layers / "buildings" / "layer.yaml"
    path.write_text(path.read_text().replace('stroke: "#c00000"', 'stroke: "red\\" END"'))
    with pytest.raises(ValueError, match="colour"):
        build_mapfile(Catalog.load(layers), SETTINGS)
