"""Themes of the layer tree: the file, the references from layers, the viewer's tree."""

from __future__ import annotations

from pathlib import Path

import pytest

from geoportal.catalog import CatalogError
from geoportal.instance import Instance
from geoportal.themes import OTHER, load_themes
from tests.texts import in_page
from web.viewer.pageconfig import layer_tree


def test_every_committed_layer_and_raster_names_a_theme_of_the_file() -> None:
    instance = Instance()
    keys = [theme.id for theme in instance.themes]
    assert keys == ["ewidencja", "planowanie", "uzytki", "zobrazowania", "topografia"]  # no "other"
    assert all(layer.theme in keys for layer in instance.catalog.layers)
    assert all(raster.theme in keys for raster in instance.rasters)


def test_the_tree_groups_layers_by_theme_top_first() -> None:
    instance = Instance()
    tree = layer_tree(instance.catalog.layers, instance.themes, "en")
    assert [(group["id"], group["title"]) for group in tree] == [
        ("ewidencja", "Land and building register"),
        ("planowanie", "Spatial planning"),
        ("uzytki", "Land use and soils"),
        ("topografia", "Addresses, boundaries and topography"),
    ]  # imagery holds only rasters: base maps, not tree layers
    assert tree[2]["layers"] == ["soil_classes", "land_use"]  # order 20 above order 10
    assert tree[0]["layers"][0] == "parcel_numbers" and tree[0]["layers"][-1] == "parcels"


def test_a_layer_naming_an_unknown_theme_is_refused(tmp_path: Path) -> None:
    (tmp_path / "themes.yaml").write_text("a: {title: {pl: A, en: A}}\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"no theme for parcels \(b\)"):
        load_themes(tmp_path, [("parcels", "b")])


def test_layers_without_a_theme_go_to_the_other_group(tmp_path: Path) -> None:
    (tmp_path / "themes.yaml").write_text("a: {title: {pl: A, en: A}}\n", encoding="utf-8")
    themes = load_themes(tmp_path, [("x", "a"), ("y", None)])
    assert [theme.id for theme in themes] == ["a", OTHER]
    assert themes[-1].title.pl == "Inne warstwy"


@pytest.mark.parametrize(
    "content",
    ["- a\n", "inne: {title: {pl: A, en: A}}\n", "a: {title: {pl: A}}\n", "A B: {}\n", "a: 3\n"],
)
def test_malformed_theme_files_are_refused(tmp_path: Path, content: str) -> None:
    (tmp_path / "themes.yaml").write_text(content, encoding="utf-8")
    with pytest.raises(CatalogError, match="themes.yaml"):
        load_themes(tmp_path)


def test_base_maps_are_grouped_under_their_rasters_theme() -> None:
    from web.viewer.pageconfig import base_maps

    instance = Instance()
    with in_page("pl"):
        offered = base_maps(instance.rasters, "pl", instance.publications, instance.themes)
    themes = {base["id"]: base["theme"] for base in offered}
    assert themes == {"cadastral": None, "baza": None, "orthophoto": "Zobrazowania i rzeźba terenu",
                      "hillshade": "Zobrazowania i rzeźba terenu", "none": None}  # fmt: skip
