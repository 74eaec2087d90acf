"""How an object is named in a report: by its id as written in the source file."""

from __future__ import annotations

from psycopg import sql

# table -> the column (or expression) people know the object by
_LABEL = {
    "cadastral_unit": "unit_id", "cadastral_district": "district_id", "parcel": "parcel_id",
    "building": "building_id", "land_use_contour": "contour_id",
    "soil_class_contour": "contour_id", "registration_unit": "registration_unit_id",
    "plan": "plan_id", "plan_zone": "zone_id", "general_plan_zone": "zone_id",
    "admin_unit": "teryt", "terc_name": "teryt",
    "boundary_point": "point_id", "topo_road": "road_id", "topo_watercourse": "watercourse_id",
    "topo_water_area": "water_id", "topo_place_name": "place_id",
}  # fmt: skip


def label(table: str, alias: str = "s") -> sql.Composable:
    """SQL giving an object's name in ``table`` (its local id where it has no other)."""
    column = _LABEL.get(table)
    if column is None:
        return sql.SQL("{}.local_id").format(sql.Identifier(alias))
    return sql.SQL("coalesce({}.{}, {}.local_id)").format(
        sql.Identifier(alias), sql.Identifier(column), sql.Identifier(alias)
    )


def staging(table: str) -> sql.Composable:
    """``staging.<table>``, quoted."""
    return sql.Identifier("staging", table)
