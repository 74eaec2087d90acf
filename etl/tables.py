"""The ``data`` tables the ETL fills, and their columns in COPY order.

This mirrors migration 0001; ``tests/integration/test_etl_load.py`` checks the two agree.
"""

from __future__ import annotations

COMMON = ("namespace", "local_id", "version_id", "object_start", "version_start",
          "version_end", "object_end")  # fmt: skip

_OWN: dict[str, tuple[str, ...]] = {
    "cadastral_unit": ("unit_id", "name", "geom"),
    "cadastral_district": ("district_id", "name", "unit_id", "geom"),
    "registration_unit": ("registration_unit_id", "district_id", "registry_group"),
    "parcel": ("parcel_id", "number", "sheet", "district_id", "area_ha", "area_precision",
               "land_register_no", "registration_unit_id", "land_uses", "geom"),
    "building": ("building_id", "kst_type", "floors_above", "floors_below", "built_up_area_m2",
                 "parcel_ids", "registration_unit_id", "geom"),
    "land_use_contour": ("contour_id", "ofu", "geom"),
    "soil_class_contour": ("contour_id", "ozu", "ozk", "geom"),
    "address": ("locality", "street", "house_number", "postcode", "parcel_id", "geom"),
    "subject": ("subject_kind", "first_name", "second_name", "surname", "father_name",
                "mother_name", "pesel", "regon", "name", "address", "member_ids"),
    "share": ("share_kind", "registration_unit_id", "subject_local_id", "numerator",
              "denominator", "right_kind"),
    "plan": ("plan_id", "title", "plan_type", "level", "status", "resolution_no",
             "resolution_date", "journal_entry", "valid_from", "valid_to", "geom"),
    "plan_zone": ("zone_id", "plan_id", "symbol", "designation", "plan_text", "max_height_m",
                  "max_intensity", "min_bio_share", "geom"),
}  # fmt: skip

TABLES: tuple[str, ...] = tuple(_OWN)
JSON_COLUMNS = frozenset({"land_uses"})  # jsonb: written as JSON, not as an array literal
SPATIAL = frozenset(table for table, columns in _OWN.items() if "geom" in columns)


def columns_of(table: str) -> tuple[str, ...]:
    """All loadable columns of a table (everything but ``gid`` and ``run_id``)."""
    try:
        return COMMON + _OWN[table]
    except KeyError:
        raise ValueError(f"unknown table {table!r}") from None
