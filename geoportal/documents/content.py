"""What an issued document says, as plain values: assembled from the database by
:mod:`.egib` and :mod:`.planning`, laid out on paper by :mod:`.pdf`.

Nothing here knows PDF or SQL, so the unit tests check the content of a wypis (what § 36
of the 2021 EGiB regulation asks it to show) without a database or a renderer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from geoportal.cadastre.card import LandUse


@dataclass(frozen=True)
class Header:
    """The heading every document carries: who issues it, in which case, where."""

    organ: str  # "Starosta Łaski"
    office: str  # "Starostwo Powiatowe w Łasku, ul. Warszawska 14, 98-100 Łask"
    case_mark: str
    title: str
    issued_on: dt.date
    place: str  # the county seat: "Łask, 1 grudnia 2026 r."


@dataclass(frozen=True)
class Parcel:
    """A parcel as a wypis shows it (no personal data)."""

    parcel_id: str
    number: str
    sheet: str | None
    area_ha: Decimal
    land_register_no: str | None
    land_uses: tuple[LandUse, ...]


@dataclass(frozen=True)
class Building:
    """A building on the unit's parcels (not separate property: § 36 lists it here)."""

    building_id: str
    kst_type: str | None
    floors_above: int | None
    floors_below: int | None
    built_up_area_m2: Decimal | None
    parcel_numbers: tuple[str, ...]


@dataclass(frozen=True)
class BuildingCard:
    """A building as a wypis z kartoteki budynków shows it, with its place in the register."""

    building_id: str
    kst_type: str | None  # "m – mieszkalny"
    floors_above: int | None
    floors_below: int | None
    built_up_area_m2: Decimal | None
    registration_unit_id: str | None  # its JRB when the building is separate property
    parcel_ids: tuple[str, ...]
    parcel_numbers: tuple[str, ...]
    voivodeship: str
    county: str
    cadastral_unit: str  # "100301_2 Buczek"
    district: str  # "0001 Buczek"


@dataclass(frozen=True)
class Owner:
    """A subject's entry on a wypis with personal data: never its PESEL."""

    name: str  # "Roman Jakubowski, s. Przemysława i Beaty" or an institution's name
    address: str | None
    share: str  # "1/2"
    right: str  # "własność", "władanie"


@dataclass(frozen=True)
class RegistrationUnit:
    """One jednostka rejestrowa with its place in the register."""

    unit_id: str  # "100301_2.0001.G66"
    voivodeship: str
    county: str
    cadastral_unit: str  # "100301_2 Buczek"
    district: str  # "0001 Buczek"
    parcels: tuple[Parcel, ...]
    buildings: tuple[Building, ...] = ()
    owners: tuple[Owner, ...] | None = None  # None: the variant without personal data

    @property
    def total_area_ha(self) -> Decimal:
        return sum((p.area_ha for p in self.parcels), Decimal(0))


@dataclass(frozen=True)
class ZoneShare:
    """A plan zone covering part of a parcel."""

    symbol: str
    designation: str
    plan_text: str | None
    percent: Decimal  # of the parcel's area, one decimal
    plan_title: str
    resolution: str  # "uchwała nr L/317/2023 z dnia 25.07.2023"
    journal_entry: str | None


@dataclass(frozen=True)
class PlanningParcel:
    """A parcel and the plan zones covering it (none: not covered by a plan in force)."""

    parcel_id: str
    number: str
    district: str
    zones: tuple[ZoneShare, ...]


@dataclass(frozen=True)
class Certificate:
    """What a zaświadczenie states besides its table: its legal basis and the request."""

    basis: str  # "Na podstawie art. 217 … Kodeksu postępowania administracyjnego"
    statement: str  # "zaświadcza się, że działki wymienione poniżej …"


@dataclass(frozen=True)
class MapExcerpt:
    """A rendered map excerpt and what its sheet must print beside it."""

    png: bytes
    bbox: tuple[float, float, float, float]  # EPSG:2180 minx, miny, maxx, maxy (metres)
    scale: int  # the denominator: 1000 for 1:1000
    width_mm: float  # on paper, exactly (bbox width / scale)
    height_mm: float
    legend: tuple[tuple[str, str], ...]  # (colour "#rrggbb", label)
    crs: str = "PL-1992 (EPSG:2180)"
    # Outlines of the requested parcels, drawn over the map: rings of (x, y) in EPSG:2180.
    highlight: tuple[tuple[tuple[float, float], ...], ...] = ()


@dataclass(frozen=True)
class Verification:
    """How a reader checks the document: the short code and the page it leads to."""

    code: str
    url: str  # ``<base>/weryfikacja/<code>``


@dataclass(frozen=True)
class Document:
    """A whole document, ready for layout."""

    header: Header
    units: tuple[RegistrationUnit, ...] = ()
    planning: tuple[PlanningParcel, ...] = ()
    maps: tuple[MapExcerpt, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    generated_automatically: bool = True
    building_cards: tuple[BuildingCard, ...] | None = None  # None: not a building record
    certificate: Certificate | None = None
