"""The layer catalog loads the committed layers and refuses malformed folders by name."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from geoportal.catalog import Catalog, CatalogError
from geoportal.settings import Settings

LAYERS = Settings().layers_dir


def test_committed_catalog_has_the_issue_layers():
    catalog = Catalog.load(LAYERS)
    assert set(catalog.by_id) == {"parcels", "parcel_numbers", "buildings", "land_use",
                                  "soil_classes", "districts", "cadastral_units",
                                  "plan_zones", "roads", "watercourses", "water_areas",
                                  "place_names", "boundary_points", "communes",
                                  "counties", "addresses",
                                  "general_plan_zones"}  # fmt: skip
    assert {layer.wms_name for layer in catalog.layers} >= {"dzialki", "budynki",
                                                            "numery_dzialek", "obreby"}  # fmt: skip


def test_kieg_aliases_of_parcels():
    parcels = Catalog.load(LAYERS).by_id["parcels"]
    aliases = {prop.alias for prop in parcels.properties}
    assert {"ID_DZIALKI", "NUMER_DZIALKI", "NUMER_OBREBU", "NAZWA_OBREBU", "NAZWA_GMINY",
            "POLE_EWIDENCYJNE", "KW", "GRUPA_REJESTROWA", "DATA"} <= aliases  # fmt: skip


def test_view_sql_is_confined_to_publish():
    for layer in Catalog.load(LAYERS).layers:
        assert layer.view_sql().startswith(f"CREATE VIEW publish.{layer.view} ")


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "layers"
    shutil.copytree(LAYERS, target)
    return target


def test_unknown_key_names_the_folder(tmp_path):
    layers = _copy(tmp_path)
    path = layers / "buildings" / "layer.yaml"
    path.write_text(path.read_text() + "colour: red\n")
    with pytest.raises(CatalogError, match="buildings"):
        Catalog.load(layers)


def test_missing_view_sql_is_refused(tmp_path):
    layers = _copy(tmp_path)
    (layers / "districts" / "view.sql").unlink()
    with pytest.raises(CatalogError, match="districts.*view.sql"):
        Catalog.load(layers)


@pytest.mark.parametrize("bad", ["Parcels", "x; DROP TABLE y", "../etc", "a-b"])
def test_unsafe_identifiers_are_refused(tmp_path, bad):
    layers = _copy(tmp_path)
    path = layers / "parcels" / "layer.yaml"
    path.write_text(path.read_text().replace("view: parcels", f"view: '{bad}'"))
    with pytest.raises(CatalogError, match="parcels"):
        Catalog.load(layers)


def test_duplicate_ids_are_refused(tmp_path):
    layers = _copy(tmp_path)
    shutil.copytree(layers / "parcels", layers / "parcels_copy")
    with pytest.raises(CatalogError, match="duplicate"):
        Catalog.load(layers)
