"""Streaming readers of county exchange files: the registry, on one screen.

A reader (:class:`~etl.readers.base.Reader`) recognises its format from the start of a
file (``sniff``), then streams ``(table, record)`` pairs whose keys are columns of the
data tables (``geoportal.tables``), and lists what it noticed in ``findings``. Adding a
format is adding a class and one line here; ``detect`` asks every registered reader in
order and names the first that recognises the file.
"""

from __future__ import annotations

from pathlib import Path

from etl.readers.app_gml import AppGmlReader
from etl.readers.base import Reader
from etl.readers.egib_gml import EgibGmlReader
from etl.readers.prg import PrgAddressReader, PrgUnitsReader
from etl.readers.terc import TercReader
from etl.readers.topo_gml import TopoGmlReader
from etl.readers.vector import VectorReader
from etl.readers.wfs_gml import KiegWfsReader

VECTOR = "vector"  # read through an attribute profile (etl/profiles), so offered last

# In the order files are offered to them: the specific before the general (a PRG
# GeoJSON is also GeoJSON, a KIEG WFS answer also GML).
READERS: dict[str, type[Reader]] = {
    "egib-gml": EgibGmlReader,  # EGiB GML, 2021 and 2015 models
    "app-gml": AppGmlReader,  # APP GML 1.0 / 2.0 and the project's MPZP zones
    "topo-gml": TopoGmlReader,  # roads, water and place names of the base map (BDOT10k names)
    "kieg-wfs": KiegWfsReader,  # county WFS answers with KIEG attributes (buildings, parcels)
    "prg-address": PrgAddressReader,  # PRG address points, 2012 and 2021 models
    "prg-units": PrgUnitsReader,  # PRG boundaries as GeoJSON
    "terc": TercReader,  # GUS TERYT TERC register (XML)
    VECTOR: VectorReader,  # Shapefile (also zipped), GeoPackage, GeoJSON, FlatGeobuf
}


def detect(path: Path | str) -> str | None:
    """The name of the reader for a file, or None (unknown, unreadable, refused as unsafe)."""
    for name, reader in READERS.items():
        if reader.sniff(Path(path)):
            return name
    return None


__all__ = ["READERS", "VECTOR", "AppGmlReader", "EgibGmlReader", "KiegWfsReader",
           "PrgAddressReader", "PrgUnitsReader", "Reader", "TercReader", "TopoGmlReader",
           "VectorReader",
           "detect"]  # fmt: skip
