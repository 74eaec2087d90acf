"""Topographic data tables: the county's base map (roads, water, place names).

The classes and attributes follow the BDOT10k model the counties keep (``OT_SKJZ_L``
road lanes with ``klasaDrogi``, ``OT_SWRS_L`` rivers and streams, ``OT_PTWP_A`` water
surfaces, ``OT_ADMS_P`` localities); one version per row like every data table. None of
them holds personal data.
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, Text

from geoportal.history import geometry, versioned_table

TOPO_ROAD = versioned_table(  # OT_SKJZ_L
    "topo_road",
    Column("road_id", Text, nullable=False),
    Column("road_class", Text, nullable=False),  # klasaDrogi: A S GP G Z L D I
    Column("surface", Text),  # materialNawierzchni
    Column("name", Text),
    Column("geom", geometry("MULTILINESTRING"), nullable=False),
    CheckConstraint("road_class IN ('A', 'S', 'GP', 'G', 'Z', 'L', 'D', 'I')"),
    spatial=True,
)

TOPO_WATERCOURSE = versioned_table(  # OT_SWRS_L
    "topo_watercourse",
    Column("watercourse_id", Text, nullable=False),
    Column("kind", Text, nullable=False),  # rodzaj: rzeka, strumień, kanał, rów
    Column("name", Text),
    Column("geom", geometry("MULTILINESTRING"), nullable=False),
    spatial=True,
)

TOPO_WATER_AREA = versioned_table(  # OT_PTWP_A
    "topo_water_area",
    Column("water_id", Text, nullable=False),
    Column("kind", Text, nullable=False),  # rodzaj: wody płynące, wody stojące
    Column("name", Text),
    Column("geom", geometry("MULTIPOLYGON"), nullable=False),
    spatial=True,
)

TOPO_PLACE_NAME = versioned_table(  # OT_ADMS_P
    "topo_place_name",
    Column("place_id", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("kind", Text, nullable=False),  # rodzaj: miasto, wieś, część miasta…
    Column("gmina_id", Text),  # TERYT of the gmina, WWPPGG_R
    Column("geom", geometry("POINT"), nullable=False),
    spatial=True,
)
