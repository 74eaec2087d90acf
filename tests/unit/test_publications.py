"""Publications (``layers/publications.yaml``): checked against the catalog when loaded."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from geoportal.catalog import Catalog, CatalogError
from geoportal.instance import Instance
from geoportal.publications import PUBLICATIONS_FILE, load_publications
from geoportal.rastercatalog import RASTERS_FILE, load_rasters
from services.configgen import build_all, check
from services.configgen.sources import Sources, sources_of

INSTANCE = Instance()


def _folder_with(tmp_path: Path, publications: object) -> Path:
    folder = tmp_path / "layers"
    shutil.copytree(INSTANCE.settings.layers_dir, folder)
    (folder / PUBLICATIONS_FILE).write_text(yaml.safe_dump(publications, allow_unicode=True))
    return folder


def _one(layers: list[dict], protocols: tuple[str, ...] = ("wms",)) -> dict:
    return {"t": {"title": {"pl": "t", "en": "t"}, "abstract": {"pl": "a", "en": "a"},
                  "protocols": list(protocols), "layers": layers}}  # fmt: skip


def test_the_committed_publications_resolve():
    publications = {pub.key: pub for pub in INSTANCE.publications}
    assert {"kieg", "ewidencja", "uzytki", "mpzp"} <= set(publications)
    kieg = publications["kieg"]
    assert kieg.protocols == {"wms"}
    soil = next(layer for layer in kieg.layers if layer.id == "soil_classes")
    assert soil.wms_name == "kontury" and not soil.services.wfs
    # Derived copies: the catalog's own layer keeps its name.
    assert INSTANCE.catalog.by_id["soil_classes"].wms_name == "klasouzytki"


def test_layers_are_in_drawing_order_whatever_the_file_order():
    kieg = next(pub for pub in INSTANCE.publications if pub.key == "kieg")
    orders = [layer.order for layer in kieg.layers]
    assert orders == sorted(orders)


@pytest.mark.parametrize(
    ("layers", "protocols", "message"),
    [
        ([{"layer": "nope"}], ("wms",), "no layer 'nope'"),
        ([{"layer": "parcels", "properties": ["owner_name"]}], ("wms",), "owner_name"),
        ([{"layer": "parcel_numbers"}], ("wfs",), "published by none"),
        ([{"layer": "parcels", "name": "Bad Name"}], ("wms",), "must match"),
        ([{"layer": "parcels"}, {"layer": "buildings", "name": "dzialki"}], ("wms",),
         "duplicate"),
        ([], ("wms",), "publishes no layer"),
        ([{"layer": "parcels"}], ("wmts",), "protocols"),
    ],
)  # fmt: skip
def test_a_bad_publication_is_refused_naming_the_problem(tmp_path, layers, protocols, message):
    folder = _folder_with(tmp_path, _one(layers, protocols))
    with pytest.raises(CatalogError, match=message):
        load_publications(folder, Catalog.load(folder))


def test_a_key_that_is_not_a_path_segment_is_refused(tmp_path):
    spec = _one([{"layer": "parcels"}])
    folder = _folder_with(tmp_path, {"../x": spec["t"]})
    with pytest.raises(CatalogError, match="key"):
        load_publications(folder, Catalog.load(folder))


def test_a_stray_mapfile_of_a_removed_publication_is_drift(tmp_path):
    sources = sources_of(INSTANCE)
    for name, text in build_all(sources).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert check(sources, tmp_path) == []
    (tmp_path / "mapfiles" / "old.map").write_text("MAP END\n")
    assert check(sources, tmp_path) == ["mapfiles/old.map"]


def test_every_publication_gets_a_mapfile_of_its_own():
    sources = sources_of(INSTANCE)
    files = build_all(sources)
    for pub in sources.publications:
        text = files[f"mapfiles/{pub.key}.map"]
        assert f'NAME "geoportal_{pub.key}"' in text
        assert pub.title.pl in text
    kieg = files["mapfiles/kieg.map"]
    assert '"wfs_enable_request"              "!*"' in kieg
    assert '"gml_include_items"         "building_id,kst_type,floors_above"' in kieg
    without = Sources(sources.catalog, sources.site, sources.public_service)
    assert not any(name.startswith("mapfiles/") for name in build_all(without))


@pytest.mark.parametrize("file", ["../../etc/passwd.tif", "/srv/ortho.tif", "ortho.vrt", ""])
def test_a_raster_file_must_be_a_plain_tif_name(tmp_path, file):
    (tmp_path / RASTERS_FILE).write_text(yaml.safe_dump({"x": {
        "wms_name": "x", "file": file, "kind": "orthophoto",
        "title": {"pl": "t", "en": "t"}, "abstract": {"pl": "a", "en": "a"}}}))  # fmt: skip
    with pytest.raises(CatalogError, match="file"):
        load_rasters(tmp_path)


def test_the_committed_rasters_draw_beneath_their_publications():
    rasters = {raster.id: raster for raster in INSTANCE.rasters}
    assert {"orthophoto", "hillshade", "dem"} <= set(rasters)
    nmt = next(pub for pub in INSTANCE.publications if pub.key == "nmt")
    assert [raster.wms_name for raster in nmt.rasters] == ["cieniowanie", "nmt"]
    assert not nmt.layers


@pytest.mark.parametrize(
    ("rasters", "protocols", "message"),
    [(["nope"], ("wms",), "no rasters"), (["orthophoto"], ("wfs",), "rasters are published")],
)
def test_a_publication_names_only_known_rasters_by_wms(tmp_path, rasters, protocols, message):
    spec = _one([], protocols)
    spec["t"]["rasters"] = rasters
    folder = _folder_with(tmp_path, spec)
    with pytest.raises(CatalogError, match=message):
        load_publications(folder, Catalog.load(folder), load_rasters(folder))
