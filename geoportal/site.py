"""The county a geoportal serves: one validated site file (``site.yaml``).

Everything that makes this portal Powiat łaski rather than Powiat zgierski lives in the
site file: the county's name and TERYT code, the issuing organ and its address, the
contact, the extent of its data, its coordinate systems, languages, the licence and the
access constraints of its data, and the area to seed in the tile cache. Capabilities
documents, OGC API metadata, the viewer, tile seeding and (later) documents and fee
notices read it; nothing else in the code names a county.

The file is validated in stages, each failing with the file and field named: YAML
syntax, then the schema (unknown keys refused), then the facts that tie fields together
(extent inside Poland, seeding area inside the extent, the TERYT voivodeship code).
"""

from __future__ import annotations

import math
import re
from functools import cached_property
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from geoportal.cadastre.identifiers import IdentifierError, parse_parcel_id
from geoportal.crs import PL2000_EPSG, POLAND_2180, STORAGE_EPSG, lonlat_bounds
from geoportal.text import LANGUAGES, Language, Text

_VOIVODESHIPS = frozenset(f"{code:02d}" for code in range(2, 33, 2))  # TERYT: 02, 04 … 32
_POSTCODE = re.compile(r"^\d{2}-\d{3}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ()-]{6,20}$")
_URL = re.compile(r"^https?://[^\s]+$")


class SiteError(ValueError):
    """The site file cannot be used; the message names the file and the field."""


def _matching(pattern: re.Pattern[str], what: str) -> AfterValidator:
    def check(value: str) -> str:
        if not pattern.match(value):
            raise ValueError(f"{value!r} is not a valid {what}")
        return value

    return AfterValidator(check)


Url = Annotated[str, _matching(_URL, "http(s) URL")]
Email = Annotated[str, _matching(_EMAIL, "e-mail address")]
Phone = Annotated[str, _matching(_PHONE, "telephone number")]
BBox = tuple[float, float, float, float]
MAX_TILE_LEVEL = 19  # the deepest level of the tile grids MapProxy serves (web mercator)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class County(_Strict):
    """The county (powiat): its name, TERYT code and voivodeship."""

    name: Text
    teryt: str = Field(description="four digits: voivodeship and county, e.g. 1003")
    voivodeship: Text
    seat: str = Field(description="the town of the county office")

    @field_validator("teryt")
    @classmethod
    def _teryt(cls, value: str) -> str:
        if not re.fullmatch(r"\d{4}", value):
            raise ValueError(f"TERYT code {value!r} must be four digits (e.g. 1003)")
        if value[:2] not in _VOIVODESHIPS:
            raise ValueError(f"TERYT code {value!r}: {value[:2]} is not a voivodeship code")
        return value


class Address(_Strict):
    """A postal address in Poland."""

    street: str
    postcode: Annotated[str, _matching(_POSTCODE, "postcode (NN-NNN)")]
    city: str
    country: Text = Text(pl="Polska", en="Poland")

    def one_line(self) -> str:
        """``ul. Warszawska 14, 98-100 Łask``."""
        return f"{self.street}, {self.postcode} {self.city}"


class Organ(_Strict):
    """The organ that keeps the register and issues documents, and its office."""

    name: Text = Field(description="the organ, e.g. Starosta Łaski")
    office: Text = Field(description="the office, e.g. Starostwo Powiatowe w Łasku")
    address: Address
    url: Url | None = None


class Contact(_Strict):
    """Who answers questions about the data and services."""

    unit: Text = Field(description="the department, e.g. the geodesy department")
    position: Text = Field(description="the role of the contact person")
    email: Email
    phone: Phone | None = None
    hours: Text | None = None


class Licence(_Strict):
    """The licence of the published data."""

    name: str
    url: Url


class DataPolicy(_Strict):
    """What users may do with the data, for every capabilities document."""

    licence: Licence
    access_constraints: Text
    fees: Text
    attribution: Text


class SiteCrs(_Strict):
    """The storage system and the county's PL-2000 zone (domain reference §9)."""

    storage: int = STORAGE_EPSG
    local_zone: int = Field(description="EPSG code of the county's PL-2000 zone")

    @field_validator("storage")
    @classmethod
    def _storage(cls, value: int) -> int:
        # The data tables are geometry(…, 2180); another storage CRS needs a migration.
        if value != STORAGE_EPSG:
            raise ValueError(f"storage CRS must be EPSG:{STORAGE_EPSG} (PUWG 1992)")
        return value

    @field_validator("local_zone")
    @classmethod
    def _zone(cls, value: int) -> int:
        if value not in PL2000_EPSG.values():
            raise ValueError(f"EPSG:{value} is not a PL-2000 zone (2176–2179)")
        return value


def _level_range(value: tuple[int, int]) -> tuple[int, int]:
    first, last = value
    if not 0 <= first <= last <= MAX_TILE_LEVEL:
        raise ValueError(f"levels {list(value)} must be [first, last], 0 <= first <= last <= "
                         f"{MAX_TILE_LEVEL}")  # fmt: skip
    return value


LevelRange = Annotated[tuple[int, int], AfterValidator(_level_range)]


class Tiles(_Strict):
    """The tile cache: what is rendered ahead of users (EPSG:2180, easting first).

    ``seed`` names, per tiled layer (its WMS name, or the combined base map) and per tile
    grid, the first and last level seeded ahead; deeper levels are rendered when first
    asked for. The names are checked against the MapProxy configuration when seeding.
    """

    seed_area: BBox | None = Field(default=None, description="default: the whole extent")
    seed: dict[str, dict[str, LevelRange]] = Field(
        default_factory=dict, description="layer -> grid -> [first level, last level]"
    )


class FeeAccount(_Strict):
    """Where fees are paid: the payee and its bank account (IBAN, checked by mod 97)."""

    payee: str = Field(min_length=3, max_length=200)
    iban: str = Field(description="PL followed by 26 digits; spaces allowed")
    bank: str | None = None

    @field_validator("iban")
    @classmethod
    def _valid_iban(cls, value: str) -> str:
        compact = value.replace(" ", "").upper()
        if not re.fullmatch(r"PL[0-9]{26}", compact):
            raise ValueError("iban must be PL followed by 26 digits")
        digits = "".join(str(int(char, 36)) for char in compact[4:] + compact[:4])
        if int(digits) % 97 != 1:
            raise ValueError("iban checksum is wrong (mod 97)")
        return compact


class StartView(_Strict):
    """Where the map viewer opens: a centre (EPSG:2180, easting first) and a scale at
    which parcels are drawn, e.g. the county seat at 1:10 000."""

    center: tuple[float, float]
    scale: int = Field(default=10_000, ge=500, le=100_000)


class Site(_Strict):
    """One county's geoportal."""

    county: County
    organ: Organ
    contact: Contact
    extent: BBox = Field(description="EPSG:2180 minx, miny, maxx, maxy of the county's data")
    crs: SiteCrs
    languages: tuple[Language, ...] = LANGUAGES
    data: DataPolicy
    tiles: Tiles = Tiles()
    fees_account: FeeAccount | None = Field(
        default=None, description="the account on fee-calculation documents (DOO)"
    )
    start: StartView | None = Field(default=None, description="the viewer's start view")
    example_parcel: str | None = Field(default=None, description="a parcel id users are shown")
    demo: bool = Field(default=False, description="the data are synthetic: say so everywhere")
    source: Path | None = Field(default=None, exclude=True)

    @model_validator(mode="after")
    def _consistent(self) -> Site:
        _check_bbox(self.extent, "extent", POLAND_2180, "Poland (EPSG:2180)")
        _check_parcel_example(self.parcel_example, self.county.teryt)
        if self.tiles.seed_area is not None:
            _check_bbox(self.tiles.seed_area, "tiles.seed_area", self.extent, "the extent")
        if self.start is not None:
            x, y = self.start.center
            _check_bbox((x, y, x + 1, y + 1), "start.center", self.extent, "the extent")
        if (
            not self.languages
            or self.languages[0] != "pl"
            or len(set(self.languages)) != len(self.languages)
        ):
            raise ValueError("languages must start with pl and name each language once")
        return self

    @property
    def parcel_example(self) -> str:
        """A parcel id of this county to show users (the site's, or one in its format)."""
        return self.example_parcel or f"{self.county.teryt}01_1.0001.123/4"

    @property
    def seed_area(self) -> BBox:
        """The area seeded in the tile cache (EPSG:2180)."""
        return self.tiles.seed_area or self.extent

    @cached_property
    def lonlat_extent(self) -> BBox:
        """The extent in degrees (west, south, east, north), rounded outward to 0.01°."""
        west, south, east, north = lonlat_bounds(self.extent)
        return (_floor2(west), _floor2(south), _ceil2(east), _ceil2(north))

    def label(self, language: str = "pl") -> str:
        """The county's name, marked when the data are a demonstration."""
        name = self.county.name.in_language(language)
        if not self.demo:
            return name
        return f"{name} (dane demonstracyjne)" if language == "pl" else f"{name} (demo data)"


def load_site(path: Path) -> Site:
    """Read and validate a site file; :class:`SiteError` names what is wrong."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SiteError(f"{path}: cannot read the site file ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise SiteError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise SiteError(f"{path}: the site file must be a mapping of settings")
    try:
        return Site.model_validate({**raw, "source": path})
    except ValidationError as exc:
        raise SiteError(f"{path}: {_describe(exc)}") from exc


def _describe(error: ValidationError) -> str:
    problems = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or "(file)"
        problems.append(f"{where}: {item['msg'].removeprefix('Value error, ')}")
    return "; ".join(problems)


def _check_parcel_example(parcel_id: str, teryt: str) -> None:
    try:
        parsed = parse_parcel_id(parcel_id)
    except IdentifierError as exc:
        raise ValueError(f"example_parcel: {exc}") from exc
    if parsed.district.unit.teryt_county != teryt:
        raise ValueError(f"example_parcel {parcel_id!r} is not in the county {teryt}")


def _check_bbox(bbox: BBox, name: str, outer: BBox, outer_name: str) -> None:
    minx, miny, maxx, maxy = bbox
    if not (minx < maxx and miny < maxy):
        raise ValueError(f"{name} must be minx, miny, maxx, maxy with min < max")
    if not (outer[0] <= minx and outer[1] <= miny and maxx <= outer[2] and maxy <= outer[3]):
        raise ValueError(f"{name} {list(bbox)} is not inside {outer_name} {list(outer)}")


def _floor2(value: float) -> float:
    return math.floor(value * 100) / 100


def _ceil2(value: float) -> float:
    return math.ceil(value * 100) / 100
