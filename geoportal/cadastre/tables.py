"""EGiB data tables (regulation of 27.07.2021; domain reference §2), one version per row.

The comments name the GML property each column is read from. ``subject`` and
``share`` hold personal data (art. 24 ust. 5 PGiK): the public role is never granted
them, and no ``publish`` view selects from them.
"""

from __future__ import annotations

from sqlalchemy import ARRAY, CheckConstraint, Column, Index, Integer, Numeric, SmallInteger, Text
from sqlalchemy import text as sql_text
from sqlalchemy.dialects.postgresql import JSONB

from geoportal.history import CURRENT, geometry, search_indexes, versioned_table

CADASTRAL_UNIT = versioned_table(  # EGB_JednostkaEwidencyjna
    "cadastral_unit",
    Column("unit_id", Text, nullable=False),  # idJednostkiEwid, WWPPGG_R
    Column("name", Text, nullable=False),  # nazwaWlasna
    Column("geom", geometry("MULTIPOLYGON"), nullable=False),
    spatial=True,
)

CADASTRAL_DISTRICT = versioned_table(  # EGB_ObrebEwidencyjny
    "cadastral_district",
    Column("district_id", Text, nullable=False),  # idObrebu, WWPPGG_R.XXXX
    Column("name", Text, nullable=False),  # nazwaWlasna
    Column("unit_id", Text, nullable=False),
    Column("geom", geometry("MULTIPOLYGON"), nullable=False),
    spatial=True,
)
Index("district_id_current", CADASTRAL_DISTRICT.c.district_id, postgresql_where=CURRENT)

PARCEL = versioned_table(  # EGB_DzialkaEwidencyjna
    "parcel",
    Column("parcel_id", Text, nullable=False),  # idDzialki, WWPPGG_R.XXXX[.AR_N].NDZ
    Column("number", Text, nullable=False),  # NDZ, e.g. 123/4
    Column("sheet", Text),  # AR_N map sheet, when numbered per sheet
    Column("district_id", Text, nullable=False),
    Column("area_ha", Numeric(14, 4), nullable=False),  # poleEwidencyjne, legal area
    Column("area_precision", SmallInteger),  # dokladnoscReprezentacjiPola
    Column("land_register_no", Text),  # numerKW
    Column("registration_unit_id", Text),
    # klasouzytek: [{ofu, ozu, ozk, area_ha}]
    Column("land_uses", JSONB, nullable=False, server_default=sql_text("'[]'::jsonb")),
    Column("geom", geometry("MULTIPOLYGON"), nullable=False),
    spatial=True,
)
Index("parcel_id_current", PARCEL.c.parcel_id, postgresql_where=CURRENT)
# Parcels as they were on a date (migration 0009): closed versions by box.
Index("parcel_geom_closed", PARCEL.c.geom, postgresql_using="gist",
      postgresql_where=sql_text("version_end IS NOT NULL"))  # fmt: skip
# The search box's prefix ranges (migration 0005). The index columns are in the "C"
# collation there; SQLAlchemy's reflection drops COLLATE from index expressions, so they
# are declared here without it (tests/integration/test_search_views.py proves the views'
# "C" ranges use them).
Index("parcel_search_id", PARCEL.c.parcel_id, postgresql_where=CURRENT)
Index("parcel_search_number", PARCEL.c.district_id, PARCEL.c.number, postgresql_where=CURRENT)
# "Obręb name + number" and sheet-less identifiers (ULDK, migration 0008) look parcels up by
# number alone: a number occurs once per obręb and sheet, so the index is selective enough.
Index("parcel_number_current", PARCEL.c.number, postgresql_where=CURRENT)
# The parcel-number layer's label points, by box (migration 0016): the view's expression
# and predicate, so every map of the layer reads an index, not the whole county.
Index("parcel_label_point_current", sql_text("(ST_PointOnSurface(geom)::geometry(Point, 2180))"),
      _table=PARCEL, postgresql_using="gist",
      postgresql_where=sql_text("version_end IS NULL AND object_end IS NULL"))  # fmt: skip

BUILDING = versioned_table(  # EGB_Budynek
    "building",
    Column("building_id", Text, nullable=False),  # idBudynku
    Column("kst_type", Text),  # rodzajWgKST
    Column("floors_above", SmallInteger),
    Column("floors_below", SmallInteger),
    Column("built_up_area_m2", Numeric(12, 2)),  # powZabudowy
    Column("parcel_ids", ARRAY(Text), nullable=False, server_default=sql_text("'{}'::text[]")),
    Column("registration_unit_id", Text),
    Column("geom", geometry("MULTIPOLYGON"), nullable=False),
    spatial=True,
)
Index("building_id_current", BUILDING.c.building_id, postgresql_where=CURRENT)
Index("building_parcel_ids", BUILDING.c.parcel_ids, postgresql_using="gin",
      postgresql_where=CURRENT)  # fmt: skip

LAND_USE_CONTOUR = versioned_table(  # EGB_KonturUzytkuGruntowego
    "land_use_contour",
    Column("contour_id", Text, nullable=False),
    Column("ofu", Text, nullable=False),
    Column("geom", geometry("MULTIPOLYGON"), nullable=False),
    spatial=True,
)

SOIL_CLASS_CONTOUR = versioned_table(  # EGB_KonturKlasyfikacyjny
    "soil_class_contour",
    Column("contour_id", Text, nullable=False),
    Column("ozu", Text, nullable=False),
    Column("ozk", Text),
    Column("geom", geometry("MULTIPOLYGON"), nullable=False),
    spatial=True,
)

ADDRESS = versioned_table(  # EGB_AdresNieruchomosci
    "address",
    Column("locality", Text, nullable=False),
    Column("street", Text),
    Column("house_number", Text, nullable=False),
    Column("postcode", Text),
    Column("parcel_id", Text),
    Column("geom", geometry("POINT")),
    spatial=True,
)

Index("address_parcel_id", ADDRESS.c.parcel_id, postgresql_where=CURRENT)
search_indexes(ADDRESS)

BOUNDARY_POINT = versioned_table(  # EGB_PunktGraniczny
    "boundary_point",
    Column("point_id", Text, nullable=False),  # idPunktu, e.g. WWPPGG_R.XXXX.N
    Column("acquisition", Text),  # sposobPozyskania (SPD), a code of the regulation
    Column("accuracy", Text),  # spelnienieWarunkowDokl (ISD)
    Column("stabilisation", Text),  # rodzajStabilizacji (STB)
    Column("geom", geometry("POINT"), nullable=False),
    spatial=True,
)

REGISTRATION_UNIT = versioned_table(  # EGB_JednostkaRejestrowaGruntow / Budynkow / Lokali
    "registration_unit",
    Column("registration_unit_id", Text, nullable=False),  # WWPPGG_R.XXXX.G<n>
    Column("district_id", Text, nullable=False),
    Column("registry_group", SmallInteger),
    CheckConstraint("registry_group BETWEEN 1 AND 16"),
)
# publish.parcels joins each parcel to its registration unit: one parcel looked up by id
# or point (ULDK, GetFeatureInfo) reads one unit instead of hashing all of them.
Index("registration_unit_id_current", REGISTRATION_UNIT.c.registration_unit_id,
      postgresql_where=CURRENT)  # fmt: skip

SUBJECT = versioned_table(  # EGB_OsobaFizyczna / Instytucja / Malzenstwo / PodmiotGrupowy
    "subject",
    Column("subject_kind", Text, nullable=False),
    Column("first_name", Text),
    Column("second_name", Text),
    Column("surname", Text),
    Column("father_name", Text),
    Column("mother_name", Text),
    Column("pesel", Text),
    Column("regon", Text),
    Column("name", Text),  # institution or group name
    Column("address", Text),
    Column("member_ids", ARRAY(Text)),  # members of a marriage or group
    CheckConstraint("subject_kind IN ('person', 'institution', 'marriage', 'group')"),
)

SHARE = versioned_table(  # EGB_UdzialWeWlasnosci / EGB_UdzialWeWladaniu
    "share",
    Column("share_kind", Text, nullable=False),
    Column("registration_unit_id", Text, nullable=False),
    Column("subject_local_id", Text, nullable=False),
    Column("numerator", Integer, nullable=False),
    Column("denominator", Integer, nullable=False),
    Column("right_kind", Text),  # rodzajPrawa / rodzajWladania code
    CheckConstraint("share_kind IN ('ownership', 'holding')"),
    CheckConstraint("numerator > 0"),
    CheckConstraint("denominator >= numerator"),
)
Index("share_unit", SHARE.c.registration_unit_id, postgresql_where=CURRENT)

PERSONAL = (SUBJECT, SHARE)  # tables the public role must never read
