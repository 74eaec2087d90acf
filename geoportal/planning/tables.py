"""Planning data tables: plans (APP ``AktPlanowaniaPrzestrzennego``), the zones of local
plans and the zones of the general plan (plan ogólny)."""

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

# A zone (strefa planistyczna) of a plan ogólny gminy (APP 2.0 ``StrefaPlanistyczna``,
# art. 13a-13e upzp after the 2023 reform): the whole gmina is divided into them, each of
# one of 13 kinds (SW, SJ, ... SK) with a functional profile and building parameters.
GENERAL_PLAN_ZONE = versioned_table(
    "general_plan_zone",
    Column("zone_id", Text, nullable=False),  # idIIP as one string
    Column("plan_id", Text, nullable=False),
    Column("oznaczenie", Text, nullable=False),  # the plan's own marking, e.g. 1SJ
    Column("symbol", Text, nullable=False),  # the zone kind's symbol, e.g. SJ
    Column("zone_kind", Text),  # nazwa: RodzajStrefyPlanistycznejKod code
    Column("zone_name", Text),  # nazwa as the plan words it
    Column("main_profile", Text),  # profilPodstawowy: land-use classes, "; "-joined
    Column("extra_profile", Text),  # profilDodatkowy, likewise
    Column("max_intensity", Numeric(6, 2)),  # maksNadziemnaIntensywnoscZabudowy
    Column("max_built_share", Numeric(5, 2)),  # maksUdzialPowierzchniZabudowy [%]
    Column("max_height_m", Numeric(6, 2)),  # maksWysokoscZabudowy
    Column("min_bio_share", Numeric(5, 2)),  # minUdzialPowierzchniBiologicznieCzynnej [%]
    Column("status", Text),  # ProcessStepGeneralValue code
    Column("regulation_nature", Text),  # charakterUstalenia: RegulationNatureValue code
    Column("valid_from", Date),
    Column("valid_to", Date),
    Column("geom", geometry("MULTIPOLYGON"), nullable=False),
    spatial=True,
)
