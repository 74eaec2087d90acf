"""Planning data tables: plans (APP ``AktPlanowaniaPrzestrzennego``) and their zones."""

from __future__ import annotations

from sqlalchemy import Column, Date, Numeric, Text

from geoportal.history import geometry, versioned_table

PLAN = versioned_table(
    "plan",
    Column("plan_id", Text, nullable=False),  # idIIP as one string
    Column("title", Text, nullable=False),
    Column("plan_type", Text, nullable=False),  # typPlanu code
    Column("level", Text),  # poziomHierarchii
    Column("status", Text, nullable=False),  # statusAktu
    Column("resolution_no", Text),
    Column("resolution_date", Date),
    Column("journal_entry", Text),  # official journal (Dziennik Urzędowy) position
    Column("valid_from", Date),
    Column("valid_to", Date),
    Column("geom", geometry("MULTIPOLYGON"), nullable=False),
    spatial=True,
)

PLAN_ZONE = versioned_table(
    "plan_zone",
    Column("zone_id", Text, nullable=False),
    Column("plan_id", Text, nullable=False),
    Column("symbol", Text, nullable=False),
    Column("designation", Text, nullable=False),  # przeznaczenie, in the plan's words
    Column("plan_text", Text),  # the provisions for the zone
    Column("max_height_m", Numeric(6, 2)),
    Column("max_intensity", Numeric(6, 2)),
    Column("min_bio_share", Numeric(5, 2)),
    Column("geom", geometry("MULTIPOLYGON"), nullable=False),
    spatial=True,
)
