"""The demo county's administrative units as a PRG export: GeoJSON of the county and gminy.

Counties get their boundaries from GUGiK's PRG (Państwowy Rejestr Granic), as the unit
layers GDAL writes from the PRG shapefiles: ``JPT_KOD_JE`` (TERYT, a gmina with its type
digit), ``JPT_NAZWA_``, ``IIP_IDENTY``, ``IIP_WERSJA``, ``WERSJA_OD``, in EPSG:2180 easting
first with a ``crs`` member — the form ``etl.readers.prg.PrgUnitsReader`` reads. Gminy are
the union of their cadastral units, the county the union of all of them, so the
boundaries agree with EGiB exactly.
"""

from __future__ import annotations

import json
from pathlib import Path

import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping

from etl.synthetic.geo import GRID, polygons_of
from etl.synthetic.ids import local_id
from etl.synthetic.layout import CountyLayout
from etl.synthetic.names import COUNTY_NAME, COUNTY_TERYT

VERSION = "2023-01-01T00:00:00+01:00"  # one PRG update for the whole county


def write_prg_units(layout: CountyLayout, seed: int, path: Path) -> int:
    """Write the county and its gminy; return how many units the file holds."""
    gminy: dict[str, tuple[str, list[Polygon]]] = {}
    for unit in layout.units:
        name, parts = gminy.setdefault(unit.spec.gmina_id, (unit.spec.gmina_name, []))
        parts.append(unit.geom)
    features = [_feature(seed, COUNTY_TERYT, COUNTY_NAME, [u.geom for u in layout.units])]
    for gmina_id, (name, parts) in sorted(gminy.items()):
        features.append(_feature(seed, gmina_id.replace("_", ""), name, parts))
    document = {
        "type": "FeatureCollection",
        "name": "jednostki_administracyjne",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2180"}},
        "features": features,
    }
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return len(features)


def _feature(seed: int, teryt: str, name: str, parts: list[Polygon]) -> dict:
    union = shapely.union_all(parts, grid_size=GRID)
    geom = MultiPolygon(polygons_of(union))
    return {
        "type": "Feature",
        "properties": {
            "JPT_KOD_JE": teryt,
            "JPT_NAZWA_": name,
            "IIP_IDENTY": local_id(seed, "prg-jednostka", teryt),
            "IIP_WERSJA": VERSION,
            "WERSJA_OD": VERSION[:10],
        },
        "geometry": mapping(geom),
    }
