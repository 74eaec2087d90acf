"""Tables of the national registers: PRG boundaries and addresses, TERYT TERC names.

Counties receive them from GUGiK (PRG: Państwowy Rejestr Granic, with the address points)
and GUS (TERC): they check obręb and unit identifiers against TERYT, draw the county and
gmina boundaries, and locate addresses.
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, Date, Text

from geoportal.history import geometry, search_indexes, versioned_table

ADMIN_UNIT = versioned_table(  # PRG: państwo, województwa, powiaty, gminy
    "admin_unit",
    Column("teryt", Text, nullable=False),  # 2, 4 or 7 digits (gmina with its type)
    Column("level", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("geom", geometry("MULTIPOLYGON"), nullable=False),
    CheckConstraint("level IN ('country', 'voivodeship', 'county', 'gmina')"),
    spatial=True,
)

TERC_NAME = versioned_table(  # GUS TERC register, one row per unit
    "terc_name",
    Column("teryt", Text, nullable=False),  # WOJ, WOJ+POW or WOJ+POW+GMI+RODZ
    Column("level", Text, nullable=False),
    Column("kind", Text),  # RODZ: gmina type 1-5, 8, 9
    Column("name", Text, nullable=False),  # NAZWA
    Column("description", Text),  # NAZWA_DOD, e.g. "gmina miejsko-wiejska"
    Column("valid_on", Date),  # STAN_NA
    CheckConstraint("level IN ('voivodeship', 'county', 'gmina')"),
)

PRG_ADDRESS = versioned_table(  # PRG_PunktAdresowy (2012) / AD_PunktAdresowy (2021)
    "prg_address",
    Column("teryt_gmina", Text),
    Column("locality", Text, nullable=False),
    Column("street", Text),
    Column("house_number", Text, nullable=False),
    Column("postcode", Text),
    Column("geom", geometry("POINT"), nullable=False),
    spatial=True,
)
search_indexes(PRG_ADDRESS)
