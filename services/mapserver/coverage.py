"""WCS 2.0 requests: the coverage ids, CRSs, formats and subsets MapServer may see.

A coverage is a raster with ``coverage: true`` in ``layers/rasters.yaml`` (the DEM). The
output size is bounded by the mapfile's MAXSIZE (MapServer refuses a larger grid); the
numbers here are checked so that ``nan``, ``1e999`` or a SQL-ish axis never reach it.
"""

from __future__ import annotations

import math
import re

from services.edge.kvp import bad, invalid_crs
from services.mapserver.policy import OwsPolicy, crs_offered

REQUESTS = frozenset({"getcapabilities", "describecoverage", "getcoverage"})
FORMATS = frozenset({"image/tiff"})
AXES = ("x", "y")  # MapServer's labels of the grid axes (easting, northing) in EPSG:2180
_SUBSET = re.compile(r"^\s*([A-Za-z]+)\s*\(\s*([^,()]+?)\s*(?:,\s*([^,()]+?)\s*)?\)\s*$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,3})?$")


def check_wcs(params: dict[str, str], policy: OwsPolicy) -> list[str]:
    """Refuse what WCS must not pass on; return the coverage ids the request names."""
    request = params.get("REQUEST", "").lower()
    if request and request not in REQUESTS:
        raise bad("Nieobsługiwane żądanie WCS", "unsupported WCS request", "request")
    ids = [name for name in params.get("COVERAGEID", "").split(",") if name]
    unknown = [name for name in ids if name not in policy.coverages]
    if unknown:
        raise bad(f"Nie ma pokrycia {unknown[0][:40]!r}", f"no coverage {unknown[0][:40]!r}",
                  "coverageId")  # fmt: skip
    if request == "getcoverage" and len(ids) != 1:
        raise bad("GetCoverage: jedno COVERAGEID", "GetCoverage: one COVERAGEID", "coverageId")
    if "FORMAT" in params and params["FORMAT"] not in FORMATS:
        raise bad("Format pokrycia: image/tiff", "coverage format: image/tiff", "format")
    for name in ("SUBSETTINGCRS", "OUTPUTCRS"):
        if name in params and not crs_offered(params[name], policy.wfs_crs, crs84=False):
            raise invalid_crs(name.lower())
    if "SCALEFACTOR" in params:
        factor = _number(params["SCALEFACTOR"], "scaleFactor")
        if not 0 < factor <= 1:
            raise bad("SCALEFACTOR w (0, 1]", "SCALEFACTOR in (0, 1]", "scaleFactor")
    return ids


def check_subsets(values: list[str]) -> list[str]:
    """At most one trim or slice per axis, on the axes MapServer knows, finite numbers."""
    seen: set[str] = set()
    for value in values:
        match = _SUBSET.match(value)
        if match is None or match.group(1) not in AXES or match.group(1) in seen:
            raise bad("SUBSET: x(min,max) lub y(min,max), raz na oś",
                      "SUBSET: x(min,max) or y(min,max), once per axis", "subset")  # fmt: skip
        seen.add(match.group(1))
        low = _number(match.group(2), "subset")
        if match.group(3) is not None and _number(match.group(3), "subset") <= low:
            raise bad("SUBSET: minimum mniejsze od maksimum", "SUBSET: min below max", "subset")
    return values


def _number(text: str, locator: str) -> float:
    if not _NUMBER.match(text.strip()) or not math.isfinite(value := float(text)):
        raise bad(f"{locator}: liczba skończona", f"{locator}: a finite number", locator)
    return value
