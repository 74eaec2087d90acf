"""CRS and axis order of GML coordinates, detected per file and normalised to EPSG:2180.

Why this is careful: for EPSG:2176–2180 the EPSG axis order is northing, easting, and GML
written with an authority URN/URI (``urn:ogc:def:crs:EPSG::2180``,
``http://www.opengis.net/def/crs/EPSG/0/2180``) lists northing first. Files written with
the legacy short form ``EPSG:2180`` (or ``…/gml/srs/epsg.xml#2180``) list easting first —
the two PRG address samples show both. So the srsName form decides first. Then a
plausibility check transforms sample points to lon/lat: if they fall outside Poland but
the swapped order falls inside, the order is swapped and a finding is recorded (never
silently). Near Łask both orders land inside Poland (x≈509k, y≈414k), so the convention is
what counts there; in PL-2000 zones the check is decisive (false easting 5–8 million).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from geoportal.crs import (
    POLAND_LONLAT,
    STORAGE_EPSG,
    WGS84_EPSG,
    CrsName,
    northing_first,
    transformer,
)


def to_lonlat(xy: np.ndarray, epsg: int) -> np.ndarray:
    """Easting-first coordinates of ``epsg`` to (lon, lat)."""
    if epsg == WGS84_EPSG:
        return xy
    lon, lat = transformer(epsg, WGS84_EPSG).transform(xy[:, 0], xy[:, 1])
    return np.column_stack([lon, lat])


def to_target(xy: np.ndarray, epsg: int) -> np.ndarray:
    """Easting-first coordinates of ``epsg`` to EPSG:2180 (easting, northing)."""
    if epsg == STORAGE_EPSG:
        return xy
    x, y = transformer(epsg, STORAGE_EPSG).transform(xy[:, 0], xy[:, 1])
    return np.column_stack([x, y])


def plausible(xy: np.ndarray, epsg: int) -> bool:
    """True if all sample points (easting first) fall in Poland's extent."""
    with np.errstate(all="ignore"):
        lonlat = to_lonlat(xy, epsg)
    lon0, lat0, lon1, lat1 = POLAND_LONLAT
    finite = np.isfinite(lonlat).all()
    return bool(
        finite
        and ((lonlat[:, 0] >= lon0) & (lonlat[:, 0] <= lon1)).all()
        and ((lonlat[:, 1] >= lat0) & (lonlat[:, 1] <= lat1)).all()
    )


@dataclass(frozen=True)
class AxisDecision:
    """How to read coordinates written under one srsName."""

    epsg: int
    swap: bool  # True: the file lists northing first -> swap to easting first
    finding: str | None = None


def decide_axis(srs: CrsName, sample: np.ndarray, default_epsg: int = STORAGE_EPSG) -> AxisDecision:
    """Decide the axis order for ``sample`` (raw file order, shape (n, 2)).

    The srsName convention is tried first; if its result is not in Poland and the other
    order is, the other order wins and the decision carries a finding.
    """
    epsg = srs.epsg
    finding = None
    if epsg is None:
        epsg = default_epsg
        finding = f"srsName {srs.text!r} not understood; assumed EPSG:{epsg}, EPSG axis order"
        conventional = northing_first(epsg)
    else:
        conventional = srs.northing_first
    sample = np.asarray(sample, dtype=float)[:, :2]
    first = sample[:, ::-1] if conventional else sample
    if plausible(first, epsg):
        return AxisDecision(epsg, conventional, finding)
    if plausible(first[:, ::-1], epsg):
        note = (
            f"coordinates under srsName {srs.text!r} are outside Poland in the "
            f"{'northing' if conventional else 'easting'}-first order its form implies; "
            "read with the axes swapped"
        )
        joined = note if finding is None else f"{finding}; {note}"
        return AxisDecision(epsg, not conventional, joined)
    note = f"coordinates under srsName {srs.text!r} fall outside Poland in either axis order"
    return AxisDecision(epsg, conventional, note if finding is None else f"{finding}; {note}")


def normalise(coords: np.ndarray, decision: AxisDecision) -> np.ndarray:
    """Raw file-order coordinates -> EPSG:2180 easting-first."""
    xy = np.asarray(coords, dtype=float)[:, :2]
    if decision.swap:
        xy = xy[:, ::-1]
    return to_target(np.ascontiguousarray(xy), decision.epsg)
