"""Text builders for streamed GML: coordinates, geometries, escaping, timestamps.

Files are written as text chunks, feature by feature, never as one DOM, so a 300k-parcel
county needs bounded memory. Coordinates are written with two decimals (the centimetre
grid the generator works on) in the axis order the srsName prescribes.
"""

from __future__ import annotations

import datetime as dt
from xml.sax.saxutils import escape, quoteattr

import numpy as np
from shapely.geometry import LineString, Point, Polygon

SRS_URN_2180 = "urn:ogc:def:crs:EPSG::2180"  # EPSG axis order: northing, easting
SRS_URI_2177 = "http://www.opengis.net/def/crs/EPSG/0/2177"  # PL-2000 zone 6, northing first


def text(value: object) -> str:
    """Escape element content."""
    return escape(str(value))


def attr(value: object) -> str:
    """A quoted, escaped attribute value."""
    return quoteattr(str(value))


def stamp(moment: dt.datetime) -> str:
    """xs:dateTime without zone: local (Polish) time, as EGiB systems export it."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def poslist(coords: np.ndarray, northing_first: bool = True) -> str:
    """A gml:posList from (n, 2) easting-first coordinates."""
    xy = np.asarray(coords, dtype=float)[:, :2]
    if northing_first:
        xy = xy[:, ::-1]
    return " ".join(f"{v:.2f}" for v in xy.ravel())


def polygon(geom: Polygon, gml_id: str, srs: str | None, northing_first: bool = True) -> str:
    """A gml:Polygon (exterior and interior rings)."""
    srs_attr = f' srsName="{srs}"' if srs else ""
    out = [
        f'<gml:Polygon gml:id="{gml_id}"{srs_attr}><gml:exterior><gml:LinearRing><gml:posList>',
        poslist(np.asarray(geom.exterior.coords), northing_first),
        "</gml:posList></gml:LinearRing></gml:exterior>",
    ]
    for ring in geom.interiors:
        out += [
            "<gml:interior><gml:LinearRing><gml:posList>",
            poslist(np.asarray(ring.coords), northing_first),
            "</gml:posList></gml:LinearRing></gml:interior>",
        ]
    out.append("</gml:Polygon>")
    return "".join(out)


def multisurface(polys: list[Polygon], gml_id: str, srs: str, northing_first: bool = True) -> str:
    """A gml:MultiSurface of polygons (members carry derived gml:ids)."""
    members = "".join(
        f"<gml:surfaceMember>{polygon(p, f'{gml_id}.{i + 1}', None, northing_first)}"
        "</gml:surfaceMember>"
        for i, p in enumerate(polys)
    )
    return f'<gml:MultiSurface gml:id="{gml_id}" srsName="{srs}">{members}</gml:MultiSurface>'


def point(geom: Point, gml_id: str, srs: str, northing_first: bool = True) -> str:
    """A gml:Point."""
    return (
        f'<gml:Point gml:id="{gml_id}" srsName="{srs}"><gml:pos>'
        f"{poslist(np.asarray(geom.coords), northing_first)}</gml:pos></gml:Point>"
    )


def multicurve(lines: list[LineString], gml_id: str, srs: str, northing_first: bool = True) -> str:
    """A gml:MultiCurve of line strings (members carry derived gml:ids)."""
    members = "".join(
        f'<gml:curveMember><gml:LineString gml:id="{gml_id}.{i + 1}"><gml:posList>'
        f"{poslist(np.asarray(line.coords), northing_first)}</gml:posList></gml:LineString>"
        "</gml:curveMember>"
        for i, line in enumerate(lines)
    )
    return f'<gml:MultiCurve gml:id="{gml_id}" srsName="{srs}">{members}</gml:MultiCurve>'
