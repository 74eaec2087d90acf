"""EGiB 2021 GML (``ewidencjaGruntowIBudynkow:1.0``, EGIB.XSD v1.10), streamed.

A ``gml:FeatureCollection`` of ``gml:featureMember``s, as county systems export it.
Geometry is in ``urn:ogc:def:crs:EPSG::2180`` with northing first (the EPSG axis order).
References are ``urn:pzgik:id:<przestrzenNazw>:<lokalnyId>`` URNs — the form real exports
use, and one that survives splitting the county into several files (shares point at
subjects in the county-wide subject file). Element order follows the schema sequences.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from shapely.geometry import Point, Polygon

from etl.gml import namespaces as ns
from etl.synthetic import gmlwrite as g
from etl.synthetic.names import NAMESPACE

HREF = f"urn:pzgik:id:{NAMESPACE}:"
SRS = g.SRS_URN_2180


@dataclass(frozen=True)
class Meta:
    """idIIP and life-cycle of one object (wersjaId = startWersjaObiekt)."""

    local_id: str
    start: dt.datetime
    version: dt.datetime

    @property
    def gml_id(self) -> str:
        return f"{NAMESPACE}_{self.local_id}_{g.stamp(self.version).replace(':', '-')}"


def el(name: str, value: object) -> str:
    return f"<egb:{name}>{g.text(value)}</egb:{name}>"


def ref(name: str, local_id: str) -> str:
    return f'<egb:{name} xlink:href="{HREF}{local_id}"/>'


def refs(name: str, local_ids: list[str]) -> str:
    return "".join(ref(name, lid) for lid in local_ids)


def area(name: str, value: str, uom: str) -> str:
    return f'<egb:{name} uom="{uom}">{value}</egb:{name}>'


def geometry(name: str, body: str) -> str:
    return f"<egb:{name}>{body}</egb:{name}>"


class EgibFile:
    """One EGiB GML file, written feature by feature."""

    def __init__(self, path: Path, collection_id: str, bounds: tuple | None = None) -> None:
        self.path = path
        self.count = 0
        self._fh: TextIO = open(path, "w", encoding="utf-8", newline="\n")
        self._fh.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<gml:FeatureCollection xmlns:gml="{ns.GML}" xmlns:egb="{ns.EGIB2021}" '
            f'xmlns:xlink="{ns.XLINK}" xmlns:xsi="{ns.XSI}" gml:id="{collection_id}">\n'
        )
        if bounds:
            minx, miny, maxx, maxy = bounds
            self._fh.write(
                f'<gml:boundedBy><gml:Envelope srsName="{SRS}"><gml:lowerCorner>{miny:.2f} '
                f"{minx:.2f}</gml:lowerCorner><gml:upperCorner>{maxy:.2f} {maxx:.2f}"
                "</gml:upperCorner></gml:Envelope></gml:boundedBy>\n"
            )

    def feature(self, cls: str, meta: Meta, *body: str) -> None:
        """Write one feature as a ``gml:featureMember``."""
        self._fh.write(f"<gml:featureMember>{render(cls, meta, *body)}</gml:featureMember>\n")
        self.count += 1

    def close(self) -> None:
        self._fh.write("</gml:FeatureCollection>\n")
        self._fh.close()


def render(cls: str, meta: Meta, *body: str, gml_id: str | None = None) -> str:
    """One object: the common EGB_OgolnyObiekt head, then ``body`` in schema order."""
    return (
        f'<egb:{cls} gml:id="{gml_id or meta.gml_id}"><egb:idIIP><egb:EGB_IdentyfikatorIIP>'
        f"<egb:lokalnyId>{meta.local_id}</egb:lokalnyId><egb:przestrzenNazw>{NAMESPACE}"
        f"</egb:przestrzenNazw><egb:wersjaId>{g.stamp(meta.version)}</egb:wersjaId>"
        f"</egb:EGB_IdentyfikatorIIP></egb:idIIP><egb:startObiekt>{g.stamp(meta.start)}"
        f"</egb:startObiekt><egb:startWersjaObiekt>{g.stamp(meta.version)}"
        f"</egb:startWersjaObiekt>{''.join(body)}</egb:{cls}>"
    )


def surface(meta: Meta, polys: list[Polygon]) -> str:
    return geometry("geometria", g.multisurface(polys, f"{meta.gml_id}.g", SRS))


def polygon(meta: Meta, poly: Polygon, name: str = "geometria") -> str:
    return geometry(name, g.polygon(poly, f"{meta.gml_id}.g", SRS))


def point(meta: Meta, pt: Point) -> str:
    return geometry("geometria", g.point(pt, f"{meta.gml_id}.g", SRS))


def klasouzytek(ofu: str, ozu: str | None, ozk: str | None, area_ha: str) -> str:
    parts = [el("OFU", ofu)]
    if ozu:
        parts.append(el("OZU", ozu))
    if ozk:
        parts.append(el("OZK", ozk))
    parts.append(area("powierzchnia", area_ha, "ha"))
    body = "".join(parts)
    return f"<egb:klasouzytek><egb:EGB_Klasouzytek>{body}</egb:EGB_Klasouzytek></egb:klasouzytek>"
