"""Quality checks and repairs run on ``staging`` before anything reaches ``data``.

``CHECKS`` is the registry, on one screen, in the order the checks run: a name, the
function (SQL where PostGIS is faster than Python), the tables it applies to, its kind,
and what it does unless the source's policy says otherwise (``etl/policy.yaml``).
"""

from __future__ import annotations

from etl.checks import attributes, geometry, identity, planning, topology
from etl.checks.model import Action, Check, CheckContext, Finding, Found
from etl.checks.policy import Policy
from etl.checks.runner import prepare_staging, run_checks
from geoportal.tables import DATA_TABLES, SPATIAL, TABLES

ALL = frozenset(TABLES)
POLYGONAL = frozenset(name for name in SPATIAL
                      if getattr(DATA_TABLES[name].c.geom.type, "geometry_type", None)
                      == "MULTIPOLYGON")  # fmt: skip
PARCEL, BUILDING = frozenset({"parcel"}), frozenset({"building"})
ZONE = frozenset(planning.ZONE_TABLES)
DISTRICT, UNIT = frozenset({"cadastral_district"}), frozenset({"cadastral_unit"})
COUNTY_DATA = SPATIAL - {"admin_unit", "prg_address"}

CHECKS: dict[str, Check] = {
    "duplicate_object": Check(identity.duplicate_objects, ALL, "identity", "refuse"),
    "empty_geometry": Check(geometry.empty, SPATIAL, "geometry", "quarantine"),
    "invalid_geometry": Check(geometry.invalid, SPATIAL, "geometry", "repair", repairs=True),
    "repeated_vertices": Check(geometry.repeated_vertices, SPATIAL, "geometry", "repair",
                               repairs=True),
    "off_grid": Check(geometry.off_grid, SPATIAL, "normalisation", "repair", repairs=True),
    "outside_poland": Check(geometry.outside_poland, SPATIAL, "geometry", "quarantine"),
    "outside_county": Check(geometry.outside_county, COUNTY_DATA, "geometry"),
    "sliver": Check(geometry.slivers, POLYGONAL, "geometry"),
    "parcel_overlap": Check(topology.parcel_overlaps, PARCEL, "topology"),
    "parcel_gap": Check(topology.parcel_gaps, DISTRICT, "topology"),
    "parcel_outside_district": Check(topology.parcels_outside_district, PARCEL, "topology"),
    "building_outside_parcels": Check(topology.buildings_outside_parcels, BUILDING, "topology"),
    "land_use_cover": Check(topology.land_use_cover, PARCEL, "topology"),
    "duplicate_parcel_id": Check(identity.duplicate_parcel_ids, PARCEL, "identity", "quarantine"),
    "parcel_id_not_strict": Check(identity.parcel_ids, PARCEL, "identity"),
    "building_id_not_strict": Check(identity.building_ids, BUILDING, "identity"),
    "parcel_district_mismatch": Check(identity.parcel_district_mismatch, PARCEL, "identity"),
    "district_unit_mismatch": Check(identity.district_unit_mismatch, DISTRICT, "identity"),
    "outside_teryt_county": Check(identity.outside_teryt_county, UNIT | DISTRICT, "identity"),
    "unit_unknown_to_terc": Check(identity.units_unknown_to_terc, UNIT, "identity"),
    "land_use_code": Check(attributes.land_use_codes, frozenset({"land_use_contour"}),
                           "attributes"),
    "soil_class_code": Check(attributes.soil_class_codes, frozenset({"soil_class_contour"}),
                             "attributes"),
    "parcel_land_use_code": Check(attributes.parcel_land_use_codes, PARCEL, "attributes"),
    "building_kind_code": Check(attributes.building_kinds, BUILDING, "attributes"),
    "mojibake": Check(attributes.mojibake, ALL, "attributes"),
    "area_difference": Check(attributes.area_differences, PARCEL, "attributes"),
    "land_use_sum": Check(attributes.land_use_sums, PARCEL, "attributes"),
    "zone_overlap": Check(planning.zone_overlaps, ZONE, "planning"),
    "zone_outside_plan": Check(planning.zones_outside_plan, ZONE, "planning"),
    "zone_gap": Check(planning.zone_gaps, ZONE, "planning"),
    "zone_designation_twice": Check(planning.zone_designations_twice, ZONE, "planning"),
    "zone_symbol": Check(planning.zone_symbols, ZONE, "planning"),
    "zone_parameter_precision": Check(planning.parameter_precision,
                                      frozenset({"general_plan_zone"}), "planning"),
}  # fmt: skip

__all__ = ["CHECKS", "Action", "Check", "CheckContext", "Finding", "Found", "Policy",
           "prepare_staging", "run_checks"]  # fmt: skip
