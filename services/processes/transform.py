"""Process ``przeliczenie-wspolrzednych``: coordinates between the Polish systems.

PUWG 1992 (EPSG:2180), the four PL-2000 zones (2176–2179), WGS 84 (4326) and ETRS89
(4258), transformed by PROJ; the answer names the transformation PROJ chose and its
accuracy, so a surveyor can judge it. Axis order is an input, because Polish surveyors
write X (northing) first and GIS software easting first: ``xy`` is easting/longitude
first, ``epsg`` the order of the EPSG definition (northing/latitude first for all six).
"""

from __future__ import annotations

from typing import Any

from pygeoapi.process.base import BaseProcessor

from geoportal.crs import northing_first, projected_area_of_use, transformer
from services.processes.inputs import InputError, choice, points

CRS = ("EPSG:2180", "EPSG:2176", "EPSG:2177", "EPSG:2178", "EPSG:2179", "EPSG:4326", "EPSG:4258")
MAX_POINTS = 10_000
_GEOGRAPHIC = (4326, 4258)
_POLAND_DEGREES = (14.0, 49.0, 24.2, 55.0)  # west, south, east, north, with a margin

PROCESS_METADATA: dict[str, Any] = {
    "version": "1.0.0",
    "id": "przeliczenie-wspolrzednych",
    "title": {"pl": "Przeliczenie współrzędnych", "en": "Coordinate transformation"},
    "description": {
        "pl": "Przelicza punkty między układami PL-1992, PL-2000 (strefy 5–8), WGS 84 i "
        "ETRS89 (PROJ); podaje użytą transformację i jej dokładność.",
        "en": "Transforms points between PL-1992, PL-2000 (zones 5–8), WGS 84 and ETRS89 "
        "(PROJ); names the transformation used and its accuracy.",
    },
    "jobControlOptions": ["sync-execute"],
    "keywords": ["układy współrzędnych", "PL-1992", "PL-2000", "PROJ"],
    "inputs": {
        "coordinates": {
            "title": "Punkty / points",
            "description": "Lista par [a, b] w układzie źródłowym (do 10 000).",
            "schema": {
                "type": "array",
                "maxItems": MAX_POINTS,
                "items": {
                    "type": "array",
                    "items": {"type": "number"},
                    "minItems": 2,
                    "maxItems": 2,
                },
            },  # fmt: skip
            "minOccurs": 1,
            "maxOccurs": 1,
        },
        "source_crs": {
            "title": "Układ źródłowy",
            "schema": {"type": "string", "enum": list(CRS)},
            "minOccurs": 1,
            "maxOccurs": 1,
        },  # fmt: skip
        "target_crs": {
            "title": "Układ docelowy",
            "schema": {"type": "string", "enum": list(CRS)},
            "minOccurs": 1,
            "maxOccurs": 1,
        },  # fmt: skip
        "axis_order": {
            "title": "Kolejność osi / axis order",
            "description": "xy: wschód/długość pierwsza (GIS); epsg: jak w definicji EPSG "
            "(północ/szerokość pierwsza, zapis geodezyjny X, Y).",
            "schema": {"type": "string", "enum": ["xy", "epsg"], "default": "xy"},
            "minOccurs": 0,
            "maxOccurs": 1,
        },
    },
    "outputs": {
        "result": {
            "title": "Wynik / result",
            "schema": {"type": "object", "contentMediaType": "application/json"},
        }
    },
    "example": {
        "inputs": {
            "coordinates": [[509000.0, 413000.0]],
            "source_crs": "EPSG:2180",
            "target_crs": "EPSG:2177",
        }  # fmt: skip
    },
}


class CoordinateTransformProcessor(BaseProcessor):
    """Transforms points with PROJ between the systems Polish users work in."""

    def __init__(self, processor_def: dict[str, Any]):
        super().__init__(processor_def, PROCESS_METADATA)

    def execute(self, data: dict[str, Any], outputs: Any = None) -> tuple[str, dict[str, Any]]:
        """The transformed points, the transformation's name and its accuracy [m]."""
        source = _epsg(choice(data, "source_crs", CRS, ""))
        target = _epsg(choice(data, "target_crs", CRS, ""))
        axis_order = choice(data, "axis_order", ("xy", "epsg"), "xy")
        given = points(data, "coordinates", MAX_POINTS)
        xy = [_as_xy(point, source, axis_order) for point in given]
        _within_area_of_use(xy, source)
        moved = transformer(source, target)
        out = [moved.transform(x, y) for x, y in xy]
        return "application/json", {
            "coordinates": [list(_from_xy(p, target, axis_order)) for p in out],
            "source_crs": f"EPSG:{source}",
            "target_crs": f"EPSG:{target}",
            "axis_order": axis_order,
            "transformation": moved.description,
            "accuracy_m": moved.accuracy if moved.accuracy >= 0 else None,
        }

    def __repr__(self) -> str:
        return "<CoordinateTransformProcessor>"


def _epsg(name: str) -> int:
    return int(name.split(":")[1])


def _as_xy(point: tuple[float, float], epsg: int, axis_order: str) -> tuple[float, float]:
    return (point[1], point[0]) if axis_order == "epsg" and northing_first(epsg) else point


def _from_xy(point: tuple[float, float], epsg: int, axis_order: str) -> tuple[float, float]:
    x, y = point
    return (y, x) if axis_order == "epsg" and northing_first(epsg) else (x, y)


def _within_area_of_use(xy: list[tuple[float, float]], epsg: int) -> None:
    """Points far outside the system's area are a mistake (often swapped axes)."""
    west, south, east, north = (
        _POLAND_DEGREES if epsg in _GEOGRAPHIC else projected_area_of_use(epsg)
    )
    for index, (x, y) in enumerate(xy):
        if not (west <= x <= east and south <= y <= north):
            raise InputError(
                f"punkt {index + 1} leży poza obszarem układu EPSG:{epsg} "
                "(może zamienione osie? zob. axis_order)",
                f"point {index + 1} is outside the area of EPSG:{epsg} "
                "(axes swapped? see axis_order)",
            )
