"""Identifiers of the land and building register (EGiB): the one place that knows their rules.

Sources
    Annex 1 to the EGiB regulation of 29.03.2001 (Dz.U. 2001 nr 38 poz. 454), used unchanged
    by the 2021 EGiB regulation (Dz.U. 2021 poz. 1390) and by the national ULDK service.

Rules
    * Jednostka ewidencyjna (cadastral unit): ``WWPPGG_R`` - the TERYT codes of voivodeship
      (WW, one of the even numbers 02-32), county (PP) and gmina (GG), then the gmina type R:
      1 urban gmina, 2 rural gmina, 3 urban-rural gmina, 4 town in an urban-rural gmina,
      5 rural area of an urban-rural gmina, 8 Warsaw districts, 9 districts and delegations
      of other cities.
    * Obręb (cadastral district): ``WWPPGG_R.XXXX``, XXXX four digits 0001-9999.
    * Parcel: ``WWPPGG_R.XXXX.NDZ`` or, where parcels are numbered per map sheet,
      ``WWPPGG_R.XXXX.AR_N.NDZ``. NDZ is a natural number, or ``q/p`` after a division
      (``185/1``). Real examples: ``061304_5.0012.809/1``, ``221101_1.0001.138/28``,
      ``306401_1.0052.AR_21.85/1``.
    * Building: ``WWPPGG_R.XXXX.NDZ.N_BUD`` or ``WWPPGG_R.XXXX.N_BUD`` as ULDK writes it
      (``142608_2.0022.108_BUD``; the project's synthetic data writes ``100302_4.0001.12_BUD``).
      UNVERIFIED: the exact wording in the 2021 regulation has not been checked, so both forms
      are accepted and buildings are only read leniently (no strict parser).

Decisions
    * The domain reference's strict pattern writes NDZ and N as ``\\d+``. "Natural number" is
      taken literally here: no ``0`` and no leading zeros (``012``), for NDZ, its division
      part and the map sheet N. ``\\d`` is written ``[0-9]`` because Python's ``\\d`` also
      matches non-ASCII digits while JavaScript's does not.
    * :data:`PARCEL_ID_PATTERN` is the strict parcel rule itself; the strict verdict of every
      function below comes from the compiled pattern, the structured reading only supplies
      the values and the reasons a person reads. So the pattern and Python cannot disagree.
    * Strict parsing is for what users type; the lenient readers are for data from county
      systems, which may carry letters in NDZ (``12a``, ``12/3a``), unknown gmina types or
      voivodeship codes and stray whitespace. Each such deviation is reported as one reason.
    * No URL helpers: ``_`` already occurs in identifiers (``100302_4``), so replacing the
      ``/`` of NDZ by anything would be ambiguous. Callers percent-encode.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

_VOIVODESHIPS = tuple(f"{code:02d}" for code in range(2, 33, 2))
_GMINA_TYPES = "1234589"

# Fragments of the strict rule, written so that Python re, JavaScript RegExp and
# PostgreSQL ARE read them the same way. The lenient reader checks its parts against them too.
_NATURAL = "[1-9][0-9]*"
_OBREB = "(?!0000)[0-9]{4}"
_UNIT = "(?:" + "|".join(_VOIVODESHIPS) + ")[0-9]{4}_[" + _GMINA_TYPES + "]"
_DISTRICT = _UNIT + r"\." + _OBREB
_NDZ = _NATURAL + "(?:/" + _NATURAL + ")?"

# Python's "$" also matches before a final newline; "(?!\n)" makes it the true end there too,
# as it already is in JavaScript and PostgreSQL, so re.match and re.search agree with them.
_END = r"(?!\n)$"

PARCEL_ID_PATTERN: str = "^" + _DISTRICT + r"(?:\.AR_" + _NATURAL + r")?\." + _NDZ + _END
"""The strict parcel rule as one regex, valid with the same meaning in Python, JS and SQL."""

_PARCEL_RE = re.compile(PARCEL_ID_PATTERN)
_UNIT_RE = re.compile(_UNIT)
_DISTRICT_RE = re.compile(_DISTRICT)
_BUILDING_RE = re.compile(_DISTRICT + r"(?:\." + _NDZ + r")?\." + _NATURAL + "_BUD")
_NATURAL_RE = re.compile(_NATURAL)
_NDZ_RE = re.compile(_NDZ)
_OBREB_RE = re.compile(_OBREB)
_DIGITS_RE = re.compile("[0-9]+")
_ASCII_DIGITS = "0123456789"

_UNIT_SHAPE = "jednostka ewidencyjna WWPPGG_R"
_DISTRICT_SHAPE = "obręb identifier WWPPGG_R.XXXX"
_PARCEL_SHAPE = "parcel identifier WWPPGG_R.XXXX[.AR_N].NDZ"
_BUILDING_SHAPE = "building identifier WWPPGG_R.XXXX[.NDZ].N_BUD"


class IdentifierError(ValueError):
    """A text that cannot be read as the identifier asked for; the message says why."""


@dataclass(frozen=True)
class UnitId:
    """Jednostka ewidencyjna: a gmina (or part of one) keeping its own register."""

    voivodeship: str
    county: str
    gmina: str
    kind: str

    @property
    def teryt_county(self) -> str:
        """TERYT code of the county (WWPP), the key of county-level data."""
        return self.voivodeship + self.county

    @property
    def teryt_gmina(self) -> str:
        """TERYT code of the gmina (WWPPGG), without the gmina type."""
        return self.teryt_county + self.gmina

    def __str__(self) -> str:
        return f"{self.teryt_gmina}_{self.kind}"


@dataclass(frozen=True)
class DistrictId:
    """Obręb: the cadastral district parcels are numbered in."""

    unit: UnitId
    number: str

    def __str__(self) -> str:
        return f"{self.unit}.{self.number}"


@dataclass(frozen=True)
class ParcelId:
    """A parcel; ``number`` is NDZ as written (``123/4``), ``sheet`` the map sheet N or None."""

    district: DistrictId
    sheet: str | None
    number: str

    @property
    def base_number(self) -> str:
        """The number before the division sign: ``123`` of ``123/4``."""
        return self.number.partition("/")[0]

    @property
    def division(self) -> str | None:
        """The number after the division sign (``4`` of ``123/4``), None for an undivided one."""
        _, sign, rest = self.number.partition("/")
        return rest if sign else None

    def __str__(self) -> str:
        sheet = f".AR_{self.sheet}" if self.sheet is not None else ""
        return f"{self.district}{sheet}.{self.number}"


@dataclass(frozen=True)
class BuildingId:
    """A building in the ULDK form; ``parcel_number`` is the NDZ it stands on, when written."""

    district: DistrictId
    parcel_number: str | None
    number: str

    def __str__(self) -> str:
        parcel = f".{self.parcel_number}" if self.parcel_number is not None else ""
        return f"{self.district}{parcel}.{self.number}_BUD"


@dataclass(frozen=True)
class Parsed(Generic[T]):
    """A value read leniently, with one plain reason per way the text breaks the strict rule."""

    value: T
    deviations: tuple[str, ...] = ()

    @property
    def strict(self) -> bool:
        """True when the text met the strict rule as it stood."""
        return not self.deviations


def parse_unit_id(text: str) -> UnitId:
    """Read a jednostka ewidencyjna typed by a person; raise IdentifierError saying why not."""
    return _parse(text, _UNIT_SHAPE, _build_unit, _UNIT_RE)


def parse_district_id(text: str) -> DistrictId:
    """Read an obręb identifier typed by a person; raise IdentifierError saying why not."""
    return _parse(text, _DISTRICT_SHAPE, _build_district, _DISTRICT_RE)


def parse_parcel_id(text: str) -> ParcelId:
    """Read a parcel identifier typed by a person: exactly the texts PARCEL_ID_PATTERN matches."""
    return _parse(text, _PARCEL_SHAPE, _build_parcel, _PARCEL_RE)


def read_parcel_id(text: str) -> Parsed[ParcelId]:
    """Read a parcel identifier from a county system, reporting rather than refusing oddities.

    Letters or other signs in NDZ, an unknown gmina type or voivodeship code and surrounding
    whitespace become deviations; a text whose structure is not recognisable still raises.
    """
    return _read(text, _PARCEL_SHAPE, _build_parcel, _PARCEL_RE)


def read_building_id(text: str) -> Parsed[BuildingId]:
    """Read a building identifier (either ULDK form) leniently, like :func:`read_parcel_id`."""
    return _read(text, _BUILDING_SHAPE, _build_building, _BUILDING_RE)


def is_parcel_id(text: str) -> bool:
    """Whether the text meets the strict parcel rule; never raises."""
    return isinstance(text, str) and _PARCEL_RE.fullmatch(text) is not None


def _parse(
    text: str, shape: str, build: Callable[[list[str], list[str]], T], rule: re.Pattern[str]
) -> T:
    """The strict reading: the lenient one, refused with its reasons unless the rule holds."""
    parsed = _read(text, shape, build, rule)
    if not parsed.strict:
        raise IdentifierError(f"{text!r} is not a {shape}: " + "; ".join(parsed.deviations))
    return parsed.value


def _read(
    text: str, shape: str, build: Callable[[list[str], list[str]], T], rule: re.Pattern[str]
) -> Parsed[T]:
    """Build the value from the dot-separated parts; the verdict comes from the rule alone."""
    reasons: list[str] = []
    try:
        value = build(_split(text, reasons), reasons)
    except IdentifierError as error:
        raise IdentifierError(f"{text!r} is not a {shape}: {error}") from None
    if rule.fullmatch(text):
        return Parsed(value)
    return Parsed(value, tuple(reasons) or (f"it does not meet the strict rule {shape}",))


def _split(text: str, reasons: list[str]) -> list[str]:
    """The parts between dots, after noting and removing surrounding whitespace."""
    stripped = text.strip()
    if stripped != text:
        reasons.append("it has whitespace around it")
    if not stripped:
        raise IdentifierError("it is empty")
    parts = stripped.split(".")
    if parts[0] == "":
        raise IdentifierError("it starts with a dot")
    if parts[-1] == "":
        raise IdentifierError("it ends with a dot")
    if "" in parts:
        raise IdentifierError("it has two dots in a row")
    return parts


def _build_unit(parts: list[str], reasons: list[str]) -> UnitId:
    """A jednostka ewidencyjna standing alone."""
    unit = _unit(parts[0], reasons)
    if len(parts) > 1:
        raise IdentifierError(f"unexpected parts after the jednostka ewidencyjna {parts[0]}")
    return unit


def _build_district(parts: list[str], reasons: list[str]) -> DistrictId:
    """An obręb identifier standing alone."""
    district = _district(parts, reasons)
    if len(parts) > 2:
        raise IdentifierError(f"unexpected parts after the obręb {district}")
    return district


def _build_parcel(parts: list[str], reasons: list[str]) -> ParcelId:
    """District, optional map sheet and NDZ."""
    district = _district(parts, reasons)
    if len(parts) < 3:
        raise IdentifierError("there is no parcel number (NDZ) after the obręb")
    if len(parts) > 4:
        raise IdentifierError("it has too many dot-separated parts")
    sheet = _sheet(parts[2], reasons) if len(parts) == 4 else None
    if sheet is None and parts[2].startswith("AR_"):
        raise IdentifierError(f"there is no parcel number (NDZ) after the map sheet {parts[2]}")
    reasons.extend(_ndz_deviations(parts[-1]))
    return ParcelId(district, sheet, parts[-1])


def _build_building(parts: list[str], reasons: list[str]) -> BuildingId:
    """District, optional NDZ and N_BUD."""
    district = _district(parts, reasons)
    if len(parts) < 3:
        raise IdentifierError("there is no building number N_BUD after the obręb")
    if len(parts) > 4:
        raise IdentifierError("it has too many dot-separated parts (map sheets are not expected)")
    parcel = parts[2] if len(parts) == 4 else None
    if parcel is not None:
        reasons.extend(_ndz_deviations(parcel))
    return BuildingId(district, parcel, _building_number(parts[-1], reasons))


def _unit(text: str, reasons: list[str]) -> UnitId:
    """WWPPGG_R; an unknown gmina type or voivodeship code is a deviation, not a failure."""
    teryt, sign, kind = text.partition("_")
    if not sign:
        raise IdentifierError(f"jednostka ewidencyjna {text!r} has no '_R' gmina type")
    if len(teryt) != 6 or not _DIGITS_RE.fullmatch(teryt):
        raise IdentifierError(f"TERYT gmina code {teryt!r} is not six digits WWPPGG")
    if len(kind) != 1 or not _DIGITS_RE.fullmatch(kind):
        raise IdentifierError(f"gmina type {kind!r} after '_' is not a single digit")
    if kind not in _GMINA_TYPES:
        reasons.append(f"gmina type {kind} is not one of {', '.join(_GMINA_TYPES)}")
    if teryt[:2] not in _VOIVODESHIPS:
        reasons.append(f"voivodeship code {teryt[:2]} is not a TERYT voivodeship (even 02–32)")
    return UnitId(teryt[:2], teryt[2:4], teryt[4:], kind)


def _district(parts: list[str], reasons: list[str]) -> DistrictId:
    """The jednostka ewidencyjna and the obręb number XXXX, the first two parts."""
    unit = _unit(parts[0], reasons)
    if len(parts) < 2:
        raise IdentifierError("there is no obręb number XXXX after the jednostka ewidencyjna")
    number = parts[1]
    if len(number) != 4 or not _DIGITS_RE.fullmatch(number):
        raise IdentifierError(f"obręb number {number!r} is not four digits XXXX")
    if not _OBREB_RE.fullmatch(number):
        raise IdentifierError(f"obręb number {number} is not in 0001–9999")
    return DistrictId(unit, number)


def _sheet(text: str, reasons: list[str]) -> str:
    """The map sheet N of ``AR_N``."""
    if not text.startswith("AR_"):
        raise IdentifierError(f"{text!r} between obręb and NDZ is not a map sheet AR_N")
    number = text[3:]
    if not number:
        raise IdentifierError("map sheet 'AR_' has no sheet number N")
    if not _DIGITS_RE.fullmatch(number):
        raise IdentifierError(f"map sheet number {number!r} is not a number")
    if not _NATURAL_RE.fullmatch(number):
        reasons.append(f"map sheet number {number} is zero or starts with 0")
    return number


def _ndz_deviations(ndz: str) -> list[str]:
    """Why NDZ is not ``q`` or ``q/p`` of natural numbers; raise when it holds no number."""
    if _NDZ_RE.fullmatch(ndz):
        return []
    if not any(sign in _ASCII_DIGITS for sign in ndz):
        raise IdentifierError(f"parcel number (NDZ) {ndz!r} contains no number")
    pieces = ndz.split("/")
    reasons = []
    if len(pieces) > 2:
        reasons.append(f"NDZ {ndz!r} has more than one '/' (expected q or q/p)")
    if "" in pieces:
        reasons.append(f"NDZ {ndz!r} has nothing on one side of '/'")
    if any(sign.isalpha() for sign in ndz):
        reasons.append(f"NDZ {ndz!r} contains letters")
    others = sorted({sign for sign in ndz if not sign.isalpha() and sign not in "/0123456789"})
    if others:
        listed = " ".join(map(repr, others))
        reasons.append(f"NDZ {ndz!r} contains signs other than digits: {listed}")
    if any(_DIGITS_RE.fullmatch(p) and not _NATURAL_RE.fullmatch(p) for p in pieces):
        reasons.append(f"NDZ {ndz!r} has a number that is zero or starts with 0")
    return reasons


def _building_number(text: str, reasons: list[str]) -> str:
    """N of ``N_BUD``; letters or leading zeros in N are deviations."""
    if not text.endswith("_BUD"):
        raise IdentifierError(f"the last part {text!r} is not a building number N_BUD")
    number = text[: -len("_BUD")]
    if not any(sign in _ASCII_DIGITS for sign in number):
        raise IdentifierError(f"building number {number!r} before '_BUD' contains no number")
    if not _NATURAL_RE.fullmatch(number):
        reasons.append(f"building number {number!r} is not a natural number")
    return number
