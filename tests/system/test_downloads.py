"""The download service: ATOM feeds, DCAT-AP, GeoPackages that GDAL reads as published.

Counts and columns are compared with plain SQL over the publish views; GDAL (``ogrinfo``)
reads the files as a surveyor's software would.
"""

from __future__ import annotations

import sqlite3
import subprocess
from contextlib import closing

import pytest
from lxml import etree

from services.downloads.build import ensure_downloads

ATOM = {"a": "http://www.w3.org/2005/Atom"}


@pytest.fixture(scope="module")
def built(instance, live_server):
    return ensure_downloads(instance, lambda message: None)


def _feed(http, url):
    answer = http.get(url, timeout=30)
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith(
        "application/atom+xml"
    )
    return etree.fromstring(answer.content)


def _download(http, url, tmp_path):
    answer = http.get(url, timeout=60)
    assert answer.status_code == 200, answer.text[:200]
    path = tmp_path / url.rsplit("/", 1)[1]
    path.write_bytes(answer.content)
    return path, answer


def _count(path, layer: str) -> int:
    with closing(sqlite3.connect(path)) as gpkg:
        return gpkg.execute(f'SELECT count(*) FROM "{layer}"').fetchone()[0]  # noqa: S608


def test_service_feed_lists_each_theme_with_its_feed(http, live_server, built):
    feed = _feed(http, f"{live_server}/pobieranie/atom.xml")
    links = [link.get("href") for link in feed.iterfind("a:entry/a:link", ATOM)]
    assert links == [
        f"{live_server}/pobieranie/{key}.atom"
        for key in ("ewidencja", "uzytki", "mpzp", "pog", "baza", "granice")
    ]


def test_theme_file_holds_every_published_parcel_with_wfs_names(
    http, live_server, built, database, tmp_path
):
    feed = _feed(http, f"{live_server}/pobieranie/ewidencja.atom")
    whole = feed.find("a:entry/a:link", ATOM)
    path, answer = _download(http, whole.get("href"), tmp_path)
    assert int(whole.get("length")) == len(answer.content)
    with database.connect("public") as conn:
        parcels = conn.execute("SELECT count(*) FROM publish.parcels").fetchone()[0]
        buildings = conn.execute("SELECT count(*) FROM publish.buildings").fetchone()[0]
    assert _count(path, "dzialki") == parcels and _count(path, "budynki") == buildings
    info = subprocess.run(["ogrinfo", "-so", str(path), "dzialki"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    assert "ID_DZIALKI: String" in info and "POLE_EWIDENCYJNE: Real" in info
    assert "Multi Polygon" in info and "2180" in info


def test_the_topographic_file_holds_roads_as_lines_with_wfs_names(
    http, live_server, built, database, tmp_path
):
    feed = _feed(http, f"{live_server}/pobieranie/baza.atom")
    path, _ = _download(http, feed.find("a:entry/a:link", ATOM).get("href"), tmp_path)
    with database.connect("public") as conn:
        roads, places = conn.execute(
            "SELECT (SELECT count(*) FROM publish.topo_roads),"
            " (SELECT count(*) FROM publish.topo_place_names)"
        ).fetchone()
    assert roads > 0 and _count(path, "drogi") == roads
    assert _count(path, "nazwy_miejscowosci") == places
    info = subprocess.run(["ogrinfo", "-so", str(path), "drogi"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    assert "KLASA_DROGI: String" in info and "Line String" in info and "2180" in info


def test_an_obreb_file_holds_exactly_its_parcels(http, live_server, built, database, tmp_path):
    district = next(file.district for file in built.files if file.district)
    url = f"{live_server}/pobieranie/pliki/ewidencja-{district.replace('.', '-')}.gpkg"
    path, _ = _download(http, url, tmp_path)
    with database.connect("public") as conn:
        expected = conn.execute("SELECT count(*) FROM publish.parcels WHERE parcel_id LIKE %s",
                                (district.replace("_", r"\_") + ".%",)).fetchone()[0]  # fmt: skip
    assert expected > 0 and _count(path, "dzialki") == expected


def test_dcat_catalogue_matches_the_feeds(http, live_server, built):
    catalog = http.get(f"{live_server}/pobieranie/dcat.jsonld", timeout=30).json()
    assert catalog["@type"] == "dcat:Catalog"
    urls = {d["dcat:downloadURL"] for dataset in catalog["dcat:dataset"]
            for d in dataset["dcat:distribution"]}  # fmt: skip
    assert urls == {f"{live_server}/pobieranie/pliki/{file.name}" for file in built.files}
    assert all(dataset["dcat:contactPoint"]["vcard:hasEmail"].startswith("mailto:")
               for dataset in catalog["dcat:dataset"])  # fmt: skip


def test_files_revalidate_by_their_sha256(http, live_server, built):
    file = built.files[0]
    url = f"{live_server}/pobieranie/pliki/{file.name}"
    again = http.get(url, headers={"If-None-Match": f'"{file.sha256}"'}, timeout=30)
    assert again.status_code == 304


@pytest.mark.parametrize(
    "path",
    ["/pobieranie/pliki/..%2f..%2fetc%2fpasswd", "/pobieranie/pliki/manifest.json",
     "/pobieranie/pliki/nope.gpkg", "/pobieranie/nope.atom", "/pobieranie/pliki/%2e%2e.gpkg"],
)  # fmt: skip
def test_only_listed_files_are_served(http, live_server, built, path):
    assert http.get(f"{live_server}{path}", timeout=30).status_code == 404


def test_files_carry_no_personal_data(http, live_server, built, tmp_path, secrets):
    for file in built.files[:5]:
        content = http.get(f"{live_server}/pobieranie/pliki/{file.name}", timeout=60).content
        text = content.decode("utf-8", "replace")
        assert not [secret for secret in secrets if secret in text], file.name


def test_nothing_is_rebuilt_while_the_data_are_the_same(instance, built):
    assert ensure_downloads(instance, lambda message: None).built_at == built.built_at


def test_the_page_lists_every_file(http, live_server, built):
    html = http.get(f"{live_server}/pobieranie/", timeout=30).text
    assert all(f"/pobieranie/pliki/{file.name}" in html for file in built.files)


def test_the_general_plan_file_holds_every_zone_with_wfs_names(
    http, live_server, built, database, tmp_path
):
    feed = _feed(http, f"{live_server}/pobieranie/pog.atom")
    path, _ = _download(http, feed.find("a:entry/a:link", ATOM).get("href"), tmp_path)
    with database.connect("public") as conn:
        zones = conn.execute("SELECT count(*) FROM publish.general_plan_zones").fetchone()[0]
    assert zones and _count(path, "strefy_planistyczne") == zones
    info = subprocess.run(["ogrinfo", "-so", str(path), "strefy_planistyczne"],
                          capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert "OZNACZENIE: String" in info and "MAKS_WYSOKOSC: Real" in info
    assert "Multi Polygon" in info and "2180" in info
