"""Engine configurations rendered from the catalog: deterministic, committed, portable."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from geoportal.catalog import Catalog, StyleClass
from geoportal.instance import Instance
from geoportal.publications import load_publications
from geoportal.rastercatalog import load_rasters
from geoportal.settings import PROJECT_ROOT, Settings
from geoportal.site import load_site
from geoportal.text import Text
from services.configgen import GENERATED, build_all, check, write_all
from services.configgen.mapfile import build_mapfile, class_expression
from services.configgen.mapproxy import build_mapproxy, grid_resolutions
from services.configgen.pygeoapi import build_pygeoapi_config
from services.configgen.sources import Sources, sources_of
from services.configgen.templating import mapfile_string

INSTANCE = Instance()
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
def sources() -> Sources:
    return sources_of(INSTANCE)


def _with_layers(sources: Sources, folder: Path) -> Sources:
    catalog = Catalog.load(folder)
    rasters = load_rasters(folder)
    publications = tuple(load_publications(folder, catalog, rasters))
    return Sources(catalog, sources.site, sources.public_service, publications, tuple(rasters))


def _copy_layers(tmp_path: Path) -> Path:
    folder = tmp_path / "layers"
    shutil.copytree(INSTANCE.settings.layers_dir, folder)
    return folder


def test_rendering_is_deterministic(sources):
    assert build_all(sources) == build_all(sources_of(Instance()))


def test_committed_files_match_the_catalog_and_site(sources):
    assert check(sources, INSTANCE.settings.config_dir) == []


def test_configurations_sit_at_the_repository_root():
    assert INSTANCE.settings.config_dir == PROJECT_ROOT
    for name in GENERATED:
        assert (PROJECT_ROOT / name).is_file(), name


def test_outputs_are_machine_independent(sources):
    machine = Instance(
        Settings(var_dir=Path("/srv/elsewhere/var"), host="10.1.2.3", port=9999,
                 public_url="https://geoportal.example.pl")
    )  # fmt: skip
    assert build_all(sources_of(machine)) == build_all(sources)
    for name, text in build_all(sources).items():
        assert str(PROJECT_ROOT) not in text and "/var/" not in text, name
        assert not re.search(r"\b(host|port|password|dbname|user)=", text), name


def test_drift_is_reported(tmp_path, sources):
    layers = _copy_layers(tmp_path)
    root = INSTANCE.settings.config_dir
    path = layers / "parcels" / "layer.yaml"
    path.write_text(path.read_text().replace('stroke: "#1e90ff"', 'stroke: "#ff0000"'))
    # /ows and the two publications with parcels; not the plan or land-use ones.
    assert check(_with_layers(sources, layers), root) == [
        "geoportal.map",
        "mapfiles/kieg.map",
        "mapfiles/ewidencja.map",
    ]
    path.write_text(path.read_text().replace("Działki ewidencyjne", "Działki"))
    assert set(check(_with_layers(sources, layers), root)) >= {"geoportal.map", "mapproxy.yaml"}


def test_a_change_of_site_is_drift_in_every_file(tmp_path, sources):
    site_file = tmp_path / "site.yaml"
    text = (PROJECT_ROOT / "site.yaml").read_text(encoding="utf-8")
    site_file.write_text(text.replace("ul. Warszawska 14", "ul. Warszawska 15"), encoding="utf-8")
    moved = Sources(
        sources.catalog, load_site(site_file), sources.public_service, sources.publications
    )
    assert set(check(moved, INSTANCE.settings.config_dir)) == set(build_all(sources))


def test_missing_file_is_drift_and_write_all_fixes_it(tmp_path, sources):
    folder = tmp_path / "config"
    assert set(check(sources, folder)) == set(build_all(sources))
    written = write_all(sources, folder)
    assert {str(path.relative_to(folder)) for path in written} == set(build_all(sources))
    assert check(sources, folder) == []


def test_registry_names_every_generated_file():
    assert set(GENERATED) == {"geoportal.map", "mapproxy.yaml", "pygeoapi-config.yml"}


def test_mapfile_has_the_required_service_settings(sources):
    text = build_mapfile(sources)
    for required in REQUIRED_IN_MAPFILE:
        assert required in text, required
    assert text.count("\n  LAYER\n") == len(sources.catalog.layers) + len(sources.rasters)
    numbers = text[text.index('NAME "numery_dzialek"') :]
    assert '"wfs_enable_request"        "!*"' in numbers[: numbers.index("\n  END\n")]


def test_mapfile_carries_the_site(sources):
    text = build_mapfile(sources)
    site = sources.site
    assert "EXTENT 494000 396000 524000 431000" in text
    assert f'"ows_contactelectronicmailaddress" "{site.contact.email}"' in text
    assert '"ows_contactorganization"         "Starostwo Powiatowe w Łasku"' in text
    assert '"ows_postcode"                    "98-100"' in text
    assert "CC BY 4.0" in text and '"ows_fees"                        "brak"' not in text


def test_mapfile_follows_the_public_role_name(sources):
    other = Sources(sources.catalog, sources.site, "county_reader")
    assert 'CONNECTION "service=county_reader"' in build_mapfile(other)


def test_mapproxy_yaml_is_valid_and_complete(sources):
    conf = yaml.safe_load(build_mapproxy(sources))
    tiled = [layer.wms_name for layer in sources.catalog.for_service("tiles")]
    rasters = [raster.wms_name for raster in sources.rasters if raster.tiles]
    assert rasters == ["ortofotomapa", "cieniowanie"]  # the DEM's colours are not cached
    names = [layer["name"] for layer in conf["layers"]]
    assert names == ["mapa_ewidencyjna", *tiled, *rasters, "mapa_topograficzna"]
    # the topographic base map is /ows drawing the publication's layers, written by hand
    topographic = conf["sources"]["ows_mapa_topograficzna"]["req"]
    assert topographic["layers"] == "wody,cieki,drogi,budynki,nazwy_miejscowosci"
    assert topographic["format"] == "image/png"
    assert conf["sources"]["ows_mapa_ewidencyjna"]["req"]["layers"] == ",".join(tiled)
    for name in rasters:  # photographs and shading as JPEG, opaque
        assert conf["caches"][f"{name}_cache"]["format"] == "image/jpeg"
        assert conf["sources"][f"ows_{name}"]["req"]["transparent"] is False
    assert conf["globals"]["cache"]["meta_size"] == [4, 4]
    assert all(cache["cache"]["type"] == "file" for cache in conf["caches"].values())
    assert conf["grids"]["PL1992"]["res"] == grid_resolutions()
    assert grid_resolutions()[-1] < 0.1 and len(grid_resolutions()) == 16
    coverage = {"bbox": [494000, 396000, 524000, 431000], "srs": "EPSG:2180"}
    assert all(source["coverage"] == coverage for source in conf["sources"].values())
    assert conf["services"]["wmts"]["md"]["contact"]["email"] == sources.site.contact.email


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
        build_mapfile(_with_layers(sources_of(INSTANCE), layers))


def test_vector_tiles_start_where_the_maps_start_drawing(sources):
    """At the county's ~51.6° N, WebMercatorQuad level 13 is about 1:42,400 and level 12
    about 1:84,800 (559,082,264 × cos φ / 2^z): a layer drawn up to 1:50,000 starts at 13."""
    conf = yaml.safe_load(build_pygeoapi_config(sources))
    tiles = {name: next(p for p in resource["providers"] if p["type"] == "tile")
             for name, resource in conf["resources"].items()
             if any(p["type"] == "tile" for p in resource.get("providers", []))}  # fmt: skip
    assert tiles["parcels"]["options"]["zoom"] == {"min": 13, "max": 16}
    assert tiles["buildings"]["options"]["zoom"]["min"] == 14  # drawn up to 1:25,000
    assert tiles["districts"]["options"]["zoom"]["min"] == 8  # drawn at every scale
    feature = conf["resources"]["parcels"]["providers"][0]
    assert feature["type"] == "feature" and tiles["parcels"]["data"] == feature["data"]
