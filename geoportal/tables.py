"""The data tables loads write, in load order, and what a load needs to know of them.

One source: the table definitions beside their domain (``cadastre``, ``planning``); the
ETL's COPY column lists are read from them, and an integration test proves the migrations
build them exactly, so the two cannot drift.
"""

from __future__ import annotations

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import JSONB

from geoportal.boundaries import tables as boundaries
from geoportal.cadastre import tables as cadastre
from geoportal.history import loadable_columns
from geoportal.planning import tables as planning
from geoportal.topography import tables as topography

DATA_TABLES: dict[str, Table] = {
    table.name: table
    for table in (
        cadastre.CADASTRAL_UNIT, cadastre.CADASTRAL_DISTRICT, cadastre.REGISTRATION_UNIT,
        cadastre.PARCEL, cadastre.BUILDING, cadastre.LAND_USE_CONTOUR,
        cadastre.SOIL_CLASS_CONTOUR, cadastre.ADDRESS, cadastre.BOUNDARY_POINT, cadastre.SUBJECT,
        cadastre.SHARE,
        planning.PLAN, planning.PLAN_ZONE, planning.GENERAL_PLAN_ZONE,
        boundaries.ADMIN_UNIT, boundaries.TERC_NAME, boundaries.PRG_ADDRESS,
        topography.TOPO_ROAD, topography.TOPO_WATERCOURSE, topography.TOPO_WATER_AREA,
        topography.TOPO_PLACE_NAME,
    )
}  # fmt: skip
TABLES: tuple[str, ...] = tuple(DATA_TABLES)
SPATIAL = frozenset(name for name, table in DATA_TABLES.items() if "geom" in table.c)
JSON_COLUMNS = frozenset(
    column.name
    for table in DATA_TABLES.values()
    for column in table.columns
    if isinstance(column.type, JSONB)
)


def columns_of(table: str) -> tuple[str, ...]:
    """All columns a load writes into ``table`` (everything but ``gid`` and ``run_id``)."""
    try:
        return loadable_columns(DATA_TABLES[table])
    except KeyError:
        raise ValueError(f"unknown table {table!r}") from None
