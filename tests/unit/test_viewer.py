"""The viewer pages through Flask's test client: no database, no engines.

The fixtures here have their own names so the session-wide ``settings`` fixture (which
starts PostgreSQL) is not pulled in.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient

from geoportal.cadastre.identifiers import PARCEL_ID_PATTERN
from geoportal.catalog import Catalog
from geoportal.instance import Instance
from geoportal.settings import PROJECT_ROOT, Settings
from tests.texts import in_page, strings
from web.app import create_flask_app
from web.headers import STRICT_CSP as CONTENT_SECURITY_POLICY
from web.viewer import pageconfig
from web.viewer.clienttexts import CLIENT_TEXTS

PUBLIC_URL = "https://geoportal.powiat.example.pl/mapy"
SITE = Instance().site


@pytest.fixture(scope="module")
def viewer_settings() -> Settings:
    return Settings(public_url=PUBLIC_URL)


@pytest.fixture(scope="module")
def viewer_catalog(viewer_settings: Settings) -> Catalog:
    return Catalog.load(viewer_settings.layers_dir)


@pytest.fixture
def built_bundle(tmp_path: Path) -> Path:
    """A stand-in for ``web/static/build`` so the tests do not need npm."""
    names = ("viewer.js", "viewer.css", "picker.js", "picker.css")
    for name in names:
        (tmp_path / name).write_text("/* test */")
    manifest = {"files": {name: {"sha256": "ab" * 32, "bytes": 10} for name in names}}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    return tmp_path


@pytest.fixture
def app(viewer_settings: Settings, built_bundle: Path) -> Flask:
    flask_app = create_flask_app(Instance(viewer_settings))
    flask_app.config["VIEWER_BUILD_DIR"] = built_bundle
    return flask_app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class _Scripts(HTMLParser):
    """Collects the <script> elements of a page with their attributes and text."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._inside: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._inside = dict(attrs)
            self.scripts.append((self._inside, ""))

    def handle_data(self, data: str) -> None:
        if self._inside is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._inside = None


def _scripts(html: str) -> list[tuple[dict[str, str | None], str]]:
    parser = _Scripts()
    parser.feed(html)
    return parser.scripts


def _config(html: str) -> dict:
    blocks = [text for attrs, text in _scripts(html) if attrs.get("id") == "viewer-config"]
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_viewer_page_renders_in_polish_by_default(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert '<html lang="pl">' in html
    assert 'id="map"' in html
    assert "Działki ewidencyjne" in html
    assert re.search(r'src="/static/build/viewer\.js\?v=abababababab"', html)
    assert re.search(r'href="/static/build/viewer\.css\?v=abababababab"', html)


def test_only_scripts_are_the_bundle_and_the_json_config(client: FlaskClient) -> None:
    scripts = _scripts(client.get("/").get_data(as_text=True))
    external = [attrs["src"] for attrs, _ in scripts if attrs.get("src")]
    inline = [attrs for attrs, text in scripts if not attrs.get("src")]
    assert len(external) == 1 and external[0].startswith("/static/build/viewer.js")
    assert inline == [{"type": "application/json", "id": "viewer-config"}]


def test_config_lists_every_catalog_layer_with_titles(
    client: FlaskClient, viewer_catalog: Catalog
) -> None:
    config = _config(client.get("/").get_data(as_text=True))
    by_id = {layer["id"]: layer for layer in config["layers"]}
    assert list(by_id) == [layer.id for layer in viewer_catalog.layers]
    for layer in viewer_catalog.layers:
        entry = by_id[layer.id]
        assert entry["title"] == layer.title.pl
        assert entry["wms_name"] == layer.wms_name
        assert entry["tiled"] is layer.services.tiles
        assert entry["wms"] is layer.services.wms
        assert entry["wmts_names"][0] == layer.wms_name
        assert [p["name"] for p in entry["properties"]] == layer.property_names()
    assert config["projection"]["code"] == "EPSG:2180"
    assert "+lon_0=19 +k=0.9993 +x_0=500000 +y_0=-5300000" in config["projection"]["proj4"]
    assert config["search"]["pattern"] == PARCEL_ID_PATTERN
    assert config["search"]["url"] == "/ogc/collections/parcels/items"
    assert config["urls"] == {
        "ows": "/ows",
        "wmts_capabilities": "/wmts/1.0.0/WMTSCapabilities.xml",
        "extent_collection": "/ogc/collections/parcels?f=json",
        "print": "/drukuj",
        "history": "/api/historia",
        "kiosk_display_reset": "/kiosk/wyglad?kontrast=0&tekst=0",
    }
    assert config["info_layers"] == ["parcels", "buildings", "general_plan_zones"]


def test_the_viewer_opens_on_the_sites_start_view(client: FlaskClient) -> None:
    config = _config(client.get("/").get_data(as_text=True))
    site = Instance().site
    assert site.start is not None  # the demo county opens on its seat at 1:10 000
    assert config["start"] == {"center": list(site.start.center), "scale": site.start.scale}
    assert config["base_maps"][0]["id"] == config["default_base_map"] == "cadastral"
    # scales as Polish writes numbers (a no-break space groups thousands)
    assert [s["label"] for s in config["print"]["scales"]][:2] == ["1:500", "1:1\u00a0000"]
    assert config["tools"]["scales"][-1]["label"] == "1:100\u00a0000"


def test_base_maps_come_from_the_raster_catalog() -> None:
    from pathlib import Path

    from geoportal.rastercatalog import load_rasters
    from web.viewer.pageconfig import base_maps

    rasters = load_rasters(Path(__file__).resolve().parents[2] / "layers")
    with in_page("pl"):
        offered = base_maps(rasters, "pl")
    # without publications the topographic map (a publication's base map) is left out
    assert [base["id"] for base in offered] == ["cadastral", "orthophoto", "hillshade", "none"]
    by_id = {base["id"]: base for base in offered}
    ortho = next(r for r in rasters if r.id == "orthophoto")
    assert by_id["orthophoto"]["title"] == ortho.title.pl  # one list: rasters.yaml
    assert by_id["orthophoto"]["wms_name"] == "ortofotomapa"
    assert by_id["hillshade"]["wms_name"] == "cieniowanie"
    assert by_id["cadastral"]["wms_name"] is None and by_id["cadastral"]["cadastral_layers"]
    assert by_id["none"]["title"] == "Brak"
    # a raster without tiles (the DEM) is not a base map; a missing raster is left out
    assert all(base["id"] != "dem" for base in offered)
    with in_page("en"):
        english = base_maps([], "en")
    assert [(base["id"], base["title"]) for base in english] == [
        ("cadastral", "Cadastral map"),
        ("none", "None"),
    ]


def test_a_publication_with_a_base_map_is_offered_by_the_switcher() -> None:
    from pathlib import Path

    from geoportal.catalog import Catalog
    from geoportal.publications import load_publications
    from geoportal.rastercatalog import load_rasters
    from web.viewer.pageconfig import base_maps

    layers = Path(__file__).resolve().parents[2] / "layers"
    rasters = load_rasters(layers)
    publications = load_publications(layers, Catalog.load(layers), rasters)
    with in_page("en"):
        offered = base_maps(rasters, "en", publications)
    ids = [base["id"] for base in offered]
    assert ids == ["cadastral", "baza", "orthophoto", "hillshade", "none"]
    topographic = offered[1]
    assert topographic["title"] == "Topographic map"
    assert topographic["wms_name"] == "mapa_topograficzna"  # the cached MapProxy layer
    # what /ows draws for a print or without the tile cache: the publication's layers
    assert topographic["wms_layers"] == ["wody", "cieki", "drogi", "budynki",
                                         "nazwy_miejscowosci"]  # fmt: skip
    assert offered[2]["wms_layers"] == ["ortofotomapa"]
    assert topographic["cadastral_layers"] == []


def test_layer_switcher_lists_every_layer_top_first(
    client: FlaskClient, viewer_catalog: Catalog
) -> None:
    html = client.get("/").get_data(as_text=True)
    listed = re.findall(r'<li data-layer-id="([a-z_]+)">', html)
    themes = list(yaml.safe_load((PROJECT_ROOT / "layers" / "themes.yaml").read_text()))
    top_first = list(reversed(viewer_catalog.layers))  # grouped by theme, in the file's order
    assert listed == [layer.id for theme in themes for layer in top_first if layer.theme == theme]


def test_english_by_parameter_and_by_accept_language(
    client: FlaskClient, viewer_catalog: Catalog
) -> None:
    by_param = client.get("/?lang=en").get_data(as_text=True)
    by_header = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(
        as_text=True
    )
    for html in (by_param, by_header):
        assert '<html lang="en">' in html
        config = _config(html)
        assert config["lang"] == "en"
        english = strings("en", SITE)
        assert config["strings"] == {key: english[key] for key in CLIENT_TEXTS}
        assert config["tools"]["scales"][-1]["label"] == "1:100,000"
        assert [s["label"] for s in config["print"]["scales"]][:2] == ["1:500", "1:1,000"]
        titles = {layer["id"]: layer["title"] for layer in config["layers"]}
        assert titles == {layer.id: layer.title.en for layer in viewer_catalog.layers}
    polish = client.get("/", headers={"Accept-Language": "pl,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="pl">' in polish


def test_csp_header_allows_only_this_origin(client: FlaskClient) -> None:
    for path in ("/", "/services", "/?lang=en"):
        response = client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert csp == CONTENT_SECURITY_POLICY
        directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
        assert directives["script-src"] == "'self'"
        assert directives["style-src"] == "'self'"
        assert directives["img-src"] == "'self' data: blob:"
        assert directives["default-src"] == "'none'"
        assert "unsafe" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "query",
    [
        "lang=<script>alert(1)</script>",
        'lang="><script>alert(1)</script>',
        "lang=en&x=<script>alert(1)</script>",
        "parcel=</script><script>alert(1)</script>",
        "lang=pl%00<img src=x onerror=alert(1)>",
    ],
)
def test_script_in_parameters_is_ignored_or_escaped(client: FlaskClient, query: str) -> None:
    response = client.get(f"/?{query}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html
    assert "onerror=alert" not in html
    assert "alert(1)" not in html  # nothing of the query string is echoed at all
    assert re.search(r'<html lang="(pl|en)">', html)
    assert len(_scripts(html)) == 2


def test_unknown_language_falls_back_to_polish(client: FlaskClient) -> None:
    html = client.get("/?lang=de", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert '<html lang="pl">' in html


def test_missing_bundle_says_how_to_build_it(app: Flask, tmp_path: Path) -> None:
    app.config["VIEWER_BUILD_DIR"] = tmp_path / "not-built"
    response = app.test_client().get("/")
    assert response.status_code == 503
    html = response.get_data(as_text=True)
    assert "npm ci &amp;&amp; npm run build" in html
    assert "viewer.js" not in html
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_incomplete_bundle_counts_as_missing(app: Flask, built_bundle: Path) -> None:
    (built_bundle / "viewer.js").unlink()
    assert app.test_client().get("/").status_code == 503


def test_viewer_yaml_names_only_catalog_layers(viewer_catalog: Catalog) -> None:
    viewer = pageconfig.viewer_settings()
    ids = set(viewer_catalog.by_id)
    assert set(viewer.visible_layers) <= ids
    assert set(viewer.info_layers) <= ids
    assert {viewer.search.layer, viewer.extent_collection} <= ids
    for layer_id, id_property in viewer.info_layers.items():
        assert id_property in viewer_catalog.by_id[layer_id].property_names()
    assert viewer.search.property in viewer_catalog.by_id[viewer.search.layer].property_names()


def test_start_view_is_the_site_extent_inside_the_projection(client: FlaskClient) -> None:
    config = _config(client.get("/").get_data(as_text=True))
    minx, miny, maxx, maxy = config["extent"]
    assert config["extent"] == [494000, 396000, 524000, 431000]  # site.yaml
    pminx, pminy, pmaxx, pmaxy = config["projection"]["extent"]
    assert pminx < minx < maxx < pmaxx and pminy < miny < maxy < pmaxy


def test_kiosk_page_has_no_way_off_the_map_and_an_idle_time_from_viewer_yaml(
    client: FlaskClient,
) -> None:
    import yaml

    response = client.get("/kiosk")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert re.search(r'<body class="viewer-page kiosk', html)
    config = _config(html)
    written = yaml.safe_load(pageconfig.VIEWER_FILE.read_text(encoding="utf-8"))
    assert config["kiosk"] == {"idle_seconds": written["kiosk"]["idle_seconds"]}
    hrefs = re.findall(r'<a [^>]*href="([^"]*)"', html)
    assert hrefs and all(href.startswith(("/", "?", "#")) for href in hrefs), hrefs
    for gone in ("/e-uslugi", "/dzialka", "/services"):
        assert gone not in html
    assert 'href="/kiosk?lang=pl"' in html  # the brand leads back to the kiosk
    # the ordinary viewer keeps its links and has no idle reset
    ordinary = client.get("/").get_data(as_text=True)
    assert _config(ordinary)["kiosk"] is None and 'href="/e-uslugi' in ordinary


def test_kiosk_idle_time_is_validated() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="idle_seconds"):
        pageconfig.Kiosk(idle_seconds=0)


def test_the_base_map_switcher_groups_rasters_under_their_theme(client: FlaskClient) -> None:
    html = client.get("/?lang=en").get_data(as_text=True)
    group = re.search(
        r'<fieldset class="base-theme"><legend>Imagery and terrain</legend>(.*?)</fieldset>',
        html,
        re.S,
    )
    assert group is not None
    assert re.findall(r'value="([a-z]+)"', group.group(1)) == ["orthophoto", "hillshade"]
