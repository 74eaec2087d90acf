"""Streaming readers of county exchange files, yielding ``(table, record)`` tuples.

``READERS`` maps a format name to a reader class (``Reader(path)`` is iterable and has a
``findings`` list afterwards); ``detect(path)`` names the format of a file from the
namespace of its first feature (or its root), or returns None.
"""

from __future__ import annotations

from pathlib import Path

from etl.gml import namespaces as ns
from etl.readers.app_gml import AppGmlReader
from etl.readers.egib_gml import EgibGmlReader

READERS = {"egib-gml": EgibGmlReader, "app-gml": AppGmlReader}


def detect(path: Path | str) -> str | None:
    """'egib-gml', 'app-gml' or None (not XML, unknown, or refused as unsafe)."""
    from etl.gml.schemas import sniff_namespaces

    try:
        root_ns, feature_ns = sniff_namespaces(path)
    except Exception:  # not well-formed, DOCTYPE refused, unreadable
        return None
    for namespace in (feature_ns, root_ns):
        if namespace in ns.EGIB_ALL:
            return "egib-gml"
        if namespace in ns.APP_ALL:
            return "app-gml"
    return None


__all__ = ["READERS", "AppGmlReader", "EgibGmlReader", "detect"]
