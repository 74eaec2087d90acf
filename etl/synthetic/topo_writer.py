"""The demo county's topographic objects as GML, in BDOT10k's class and attribute names.

BDOT10k's own schema was not available to validate against, so the file uses a project
namespace (like the MPZP zones, ``etl.gml.namespaces.TOPO``) with BDOT10k's class names
(``OT_SKJZ_L``, ``OT_SWRS_L``, ``OT_PTWP_A``, ``OT_ADMS_P``), attribute names
(``klasaDrogi``, ``materialNawierzchni``, ``rodzaj``, ``nazwa``) and its idIIP
structure. Geometry in ``urn:ogc:def:crs:EPSG::2180``, northing first, like the EGiB files.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from shapely.geometry import Point, Polygon

from etl.gml import namespaces as ns
from etl.synthetic import gmlwrite as g
from etl.synthetic.ids import local_id
from etl.synthetic.topo import CountyTopo, TopoPlace, TopoRoad, TopoWater

NAMESPACE = "PL.PZGiK.1003.BDOT10k"
SRS = g.SRS_URN_2180
SURVEYED = dt.datetime(2023, 9, 15, 10, 0, 0)  # one update of the whole database


def write_topo(topo: CountyTopo, seed: int, path: Path) -> int:
    """Write the file; return how many objects it holds."""
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<gml:FeatureCollection xmlns:gml="{ns.GML}" xmlns:ot="{ns.TOPO}" '
            'gml:id="BDOT10k_1003">\n'
        )
        for road in topo.roads:
            fh.write(_member("OT_SKJZ_L", seed, road.key, _road(road, seed)))
        for water in topo.watercourses:
            fh.write(_member("OT_SWRS_L", seed, water.key, _watercourse(water, seed)))
        for water in topo.water_areas:
            fh.write(_member("OT_PTWP_A", seed, water.key, _water_area(water, seed)))
        for place in topo.places:
            fh.write(_member("OT_ADMS_P", seed, place.key, _place(place, seed)))
        fh.write("</gml:FeatureCollection>\n")
    return len(topo.roads) + len(topo.watercourses) + len(topo.water_areas) + len(topo.places)


def _gml_id(seed: int, cls: str, key: str) -> str:
    return f"{cls}_{local_id(seed, cls, key)}"


def _member(cls: str, seed: int, key: str, body: str) -> str:
    lid = local_id(seed, cls, key)
    when = g.stamp(SURVEYED)
    return (
        f'<gml:featureMember><ot:{cls} gml:id="{cls}_{lid}"><ot:idIIP><ot:BT_Identyfikator>'
        f"<ot:lokalnyId>{lid}</ot:lokalnyId><ot:przestrzenNazw>{NAMESPACE}</ot:przestrzenNazw>"
        f"<ot:wersjaId>{when}</ot:wersjaId></ot:BT_Identyfikator></ot:idIIP>"
        f"<ot:startObiekt>{when}</ot:startObiekt><ot:startWersjaObiekt>{when}"
        f"</ot:startWersjaObiekt>{body}</ot:{cls}></gml:featureMember>\n"
    )


def _el(name: str, value: object) -> str:
    return "" if value is None else f"<ot:{name}>{g.text(value)}</ot:{name}>"


def _road(road: TopoRoad, seed: int) -> str:
    geometry = g.multicurve(road.lines, _gml_id(seed, "OT_SKJZ_L", road.key) + ".g", SRS)
    return (
        f"<ot:geometria>{geometry}</ot:geometria>{_el('idObiektu', road.key)}"
        f"{_el('klasaDrogi', road.road_class)}{_el('materialNawierzchni', road.surface)}"
        f"{_el('nazwa', road.name)}"
    )


def _watercourse(water: TopoWater, seed: int) -> str:
    assert isinstance(water.geom, list)
    geometry = g.multicurve(water.geom, _gml_id(seed, "OT_SWRS_L", water.key) + ".g", SRS)
    return (
        f"<ot:geometria>{geometry}</ot:geometria>{_el('idObiektu', water.key)}"
        f"{_el('rodzaj', water.kind)}{_el('nazwa', water.name)}"
    )


def _water_area(water: TopoWater, seed: int) -> str:
    assert isinstance(water.geom, Polygon)
    geometry = g.multisurface([water.geom], _gml_id(seed, "OT_PTWP_A", water.key) + ".g", SRS)
    return (
        f"<ot:geometria>{geometry}</ot:geometria>{_el('idObiektu', water.key)}"
        f"{_el('rodzaj', water.kind)}{_el('nazwa', water.name)}"
    )


def _place(place: TopoPlace, seed: int) -> str:
    point: Point = place.point
    geometry = g.point(point, _gml_id(seed, "OT_ADMS_P", place.key) + ".g", SRS)
    return (
        f"<ot:geometria>{geometry}</ot:geometria>{_el('idObiektu', place.key)}"
        f"{_el('nazwa', place.name)}{_el('rodzaj', place.kind)}"
        f"{_el('idTERYTGminy', place.gmina_id)}"
    )
