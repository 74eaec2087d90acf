"""Streaming reader of the topographic objects of the base map (BDOT10k class names).

Four classes become four tables: ``OT_SKJZ_L`` road lanes → ``topo_road``, ``OT_SWRS_L``
rivers and streams → ``topo_watercourse``, ``OT_PTWP_A`` water surfaces →
``topo_water_area``, ``OT_ADMS_P`` localities → ``topo_place_name``. One pass: no
references between the objects. Other classes are counted as a finding, not loaded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from lxml import etree

from etl.gml import namespaces as ns
from etl.readers.base import (
    Findings,
    GmlSniffer,
    Noting,
    Record,
    children,
    first_text,
    iter_features,
    local,
)
from etl.readers.egib_records import common
from etl.readers.geometry import GeometryReader

Kids = dict[str, list[etree._Element]]


class TopoGmlReader(Noting, GmlSniffer):
    """``for table, record in TopoGmlReader(path)``; then ``.findings``."""

    NAMESPACES = ns.TOPO_ALL

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._findings = Findings()
        self.geometry = GeometryReader(self._findings)

    def __iter__(self) -> Iterator[Record]:
        skipped: dict[str, int] = {}
        for feature in iter_features(self.path, self.geometry.set_envelope):
            name = local(feature.tag)
            handler = _HANDLERS.get(name)
            if handler is None:
                skipped[name] = skipped.get(name, 0) + 1
                continue
            kids = children(feature)
            row = common(self, feature, kids)
            key = first_text(kids, "idObiektu") or row["local_id"]
            table, values = handler(self, kids, key)
            yield table, row | values
        for name, count in sorted(skipped.items()):
            self.note("skipped_class", "feature class not loaded", f"{name} ×{count}")

    def _geometry(self, kids: Kids) -> etree._Element | None:
        return kids["geometria"][0] if kids.get("geometria") else None


def _road(reader: TopoGmlReader, kids: Kids, key: str) -> tuple[str, dict[str, Any]]:
    return "topo_road", {
        "road_id": key,
        "road_class": first_text(kids, "klasaDrogi") or "I",
        "surface": first_text(kids, "materialNawierzchni"),
        "name": first_text(kids, "nazwa"),
        "geom": reader.geometry.curve(reader._geometry(kids), key),
    }


def _watercourse(reader: TopoGmlReader, kids: Kids, key: str) -> tuple[str, dict[str, Any]]:
    return "topo_watercourse", {
        "watercourse_id": key,
        "kind": first_text(kids, "rodzaj") or "",
        "name": first_text(kids, "nazwa"),
        "geom": reader.geometry.curve(reader._geometry(kids), key),
    }


def _water_area(reader: TopoGmlReader, kids: Kids, key: str) -> tuple[str, dict[str, Any]]:
    return "topo_water_area", {
        "water_id": key,
        "kind": first_text(kids, "rodzaj") or "",
        "name": first_text(kids, "nazwa"),
        "geom": reader.geometry.surface(reader._geometry(kids), key),
    }


def _place(reader: TopoGmlReader, kids: Kids, key: str) -> tuple[str, dict[str, Any]]:
    return "topo_place_name", {
        "place_id": key,
        "name": first_text(kids, "nazwa") or key,
        "kind": first_text(kids, "rodzaj") or "",
        "gmina_id": first_text(kids, "idTERYTGminy"),
        "geom": reader.geometry.point(reader._geometry(kids), key),
    }


_HANDLERS: dict[str, Callable[[TopoGmlReader, Kids, str], tuple[str, dict[str, Any]]]] = {
    "OT_SKJZ_L": _road,
    "OT_SWRS_L": _watercourse,
    "OT_PTWP_A": _water_area,
    "OT_ADMS_P": _place,
}
