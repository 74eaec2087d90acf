"""Profiles: how a foreign attribute table becomes rows of one data table.

A county's shapefile or GeoPackage has its own attribute names (``ID_DZIALKI``,
``POLE_EWIDE``…). A profile, a small YAML file in ``etl/profiles/``, maps them onto the
columns of one table of ``geoportal.tables``, and says what the file itself cannot: the
namespace of its objects, which field identifies an object, which field dates a version,
the CRS of a file without one and, if need be, the text encoding.

Why the checks are strict and early: a profile is loaded before any data is read, and a
typo in it (a column that does not exist, a NOT NULL column nobody fills) should fail
there, naming the file and the field, rather than as a COPY error after an hour of reading.

Source field names are data. They are matched against the file's field names in Python
and never written into SQL: the loader writes our own column names only, so a field
called ``select`` or ``x"; DROP TABLE y; --`` is just a name.

Matching is case-insensitive and knows the DBF's 10-character limit: ``POLE_EWIDENCYJNE``
matches ``POLE_EWIDE``. When two long names are cut to the same ten characters, writers
rename the later ones (``KONDYGNACJ``, ``KONDYGNA_1``); those are matched in the order of
the profile and the guess is reported.

When the profile names no ``version_date`` field (or a feature has none), a version
starts at the file's modification time in UTC: the moment the county wrote the snapshot,
as near as the file can tell (for a zip, the entry's own time).
"""

from __future__ import annotations

import codecs
import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pyproj
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from sqlalchemy import ARRAY, Column, Integer, Numeric, SmallInteger, Text
from sqlalchemy.dialects.postgresql import JSONB, TIMESTAMP

from etl.readers.base import WARSAW, Findings, InputError, timestamp
from geoportal.cadastre.identifiers import IdentifierError, read_parcel_id
from geoportal.tables import DATA_TABLES, columns_of

PROFILE_DIR = Path(__file__).resolve().parent / "profiles"
VERSIONING = (
    "namespace",
    "local_id",
    "version_id",
    "object_start",
    "version_start",
    "version_end",
    "object_end",
)
# The identifier a table's objects are known by: the local id falls back to it.
BUSINESS_ID = {
    "parcel": "parcel_id",
    "building": "building_id",
    "cadastral_unit": "unit_id",
    "cadastral_district": "district_id",
    "land_use_contour": "contour_id",
    "soil_class_contour": "contour_id",
}
# column -> the column it is derived from when the file does not give it
DERIVED = {"parcel": {"number": "parcel_id", "sheet": "parcel_id", "district_id": "parcel_id"}}
DBF_NAME_LENGTH = 10
_LOCAL_ID, _VERSION_DATE = "(local_id)", "(version_date)"


class ProfileError(ValueError):
    """A profile that cannot be used; the message names its file and the field."""


class Profile(BaseModel):
    """One profile file. Unknown keys are refused (a misspelt key would be ignored)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    description: str = ""
    table: str
    namespace: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    local_id: str | None = Field(default=None, min_length=1)
    version_date: str | None = Field(default=None, min_length=1)
    fields: dict[str, str | list[str]]
    crs: int | None = None
    encoding: str | None = None

    @field_validator("table")
    @classmethod
    def _known_table(cls, table: str) -> str:
        if table not in DATA_TABLES:
            raise ValueError(f"unknown table {table!r}; one of {', '.join(DATA_TABLES)}")
        if "geom" not in DATA_TABLES[table].c:
            raise ValueError(f"table {table!r} has no geometry; a vector file cannot feed it")
        return table

    @field_validator("fields")
    @classmethod
    def _names_given(cls, fields: dict[str, str | list[str]]) -> dict[str, str | list[str]]:
        for column, names in fields.items():
            listed = [names] if isinstance(names, str) else names
            if not listed or not all(isinstance(n, str) and n.strip() for n in listed):
                raise ValueError(f"{column}: give a source field name (or a list of them)")
        return fields

    @field_validator("crs")
    @classmethod
    def _known_crs(cls, crs: int | None) -> int | None:
        if crs is not None:
            try:
                pyproj.CRS.from_epsg(crs)
            except pyproj.exceptions.CRSError:
                raise ValueError(f"EPSG:{crs} is not a known coordinate system") from None
        return crs

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, encoding: str | None) -> str | None:
        if encoding is not None:
            try:
                codecs.lookup(encoding)
            except LookupError:
                raise ValueError(f"unknown text encoding {encoding!r}") from None
        return encoding

    @model_validator(mode="after")
    def _fits_table(self) -> Profile:
        """Every target is a column that can be filled, every NOT NULL column is filled."""
        columns = columns_of(self.table)
        for column in self.fields:
            if column not in columns:
                raise ValueError(f"fields.{column}: not a column of table {self.table}")
            if column in VERSIONING or column == "geom":
                raise ValueError(f"fields.{column}: set by the reader ({_set_by(column)})")
            if _converter(DATA_TABLES[self.table].c[column]) is None:
                raise ValueError(f"fields.{column}: a list or JSON column cannot be mapped")
        unfilled = [c for c in columns if _required(self.table, c) and not self._fills(c)]
        if unfilled:
            raise ValueError(f"fields: table {self.table} needs {', '.join(unfilled)} (NOT NULL)")
        if self.local_id is None and BUSINESS_ID.get(self.table) not in self.fields:
            raise ValueError(
                f"local_id: table {self.table} has no mapped identifier to fall back to"
            )
        return self

    def _fills(self, column: str) -> bool:
        source = DERIVED.get(self.table, {}).get(column)
        return column in self.fields or (source is not None and source in self.fields)

    def sources(self, column: str) -> list[str]:
        """The source field names of a target column, in the order they are tried."""
        names = self.fields[column]
        return [names] if isinstance(names, str) else list(names)

    def bind(
        self, path: Path, available: Sequence[str], findings: Findings, default_start: dt.datetime
    ) -> Binding:
        """Match this profile to a file's field names; refuse if a required field is missing."""
        wanted = {column: self.sources(column) for column in self.fields}
        for role, name in ((_LOCAL_ID, self.local_id), (_VERSION_DATE, self.version_date)):
            if name:
                wanted[role] = [name]
        matched = match_fields(wanted, available, findings)
        for role, actual in matched.items():
            if actual is None:
                _missing(path, self, role, wanted[role], available, findings)
        columns = {c: a for c, a in matched.items() if a is not None and not c.startswith("(")}
        return Binding(
            self,
            columns,
            matched.get(_LOCAL_ID),
            matched.get(_VERSION_DATE),
            default_start,
            findings,
        )


def _set_by(column: str) -> str:
    return "use local_id / version_date" if column in VERSIONING else "from the file's geometry"


def _required(table: str, column: str) -> bool:
    """NOT NULL, without a default, and not one the reader always sets."""
    col = DATA_TABLES[table].c[column]
    return not col.nullable and col.server_default is None and column not in (*VERSIONING, "geom")


def _missing(
    path: Path,
    profile: Profile,
    role: str,
    names: list[str],
    available: Sequence[str],
    findings: Findings,
) -> None:
    """A mapped field the file lacks: fatal if the column needs it, else a finding."""
    if _needed(profile.table, role):
        present = ", ".join(available) or "none"
        raise InputError(
            path,
            f"field {' / '.join(names)} (for {role}) is not in the file; its fields are: {present}",
        )
    findings.add(
        "missing_field",
        "a field of the profile is not in the file; left empty",
        f"{' / '.join(names)} → {role}",
    )


def _needed(table: str, role: str) -> bool:
    """Whether a row cannot be made without this column: the identifier, a NOT NULL column
    that nothing derives, or the source other NOT NULL columns are derived from."""
    derived = DERIVED.get(table, {})
    return (
        role == BUSINESS_ID.get(table)
        or (_required(table, role) and role not in derived)
        or any(source == role and _required(table, column) for column, source in derived.items())
    )


def match_fields(
    wanted: Mapping[str, list[str]], available: Sequence[str], findings: Findings
) -> dict[str, str | None]:
    """role -> the file's field for it (None if absent): exact names first, case-insensitive,
    then names cut to the DBF's ten characters, with writers' ``_1``, ``_2`` renames."""
    by_lower = {name.lower(): name for name in available}
    matched: dict[str, str | None] = {}
    taken: set[str] = set()
    cut: dict[str, list[str]] = {}  # ten-character stem -> roles wanting it, in profile order
    for role, names in wanted.items():
        exact = [
            by_lower[n.lower()] for n in names if by_lower.get(n.lower()) not in (None, *taken)
        ]
        matched[role] = exact[0] if exact else None
        if exact:
            taken.add(exact[0])
            continue
        stems = [n[:DBF_NAME_LENGTH].lower() for n in names if len(n) > DBF_NAME_LENGTH]
        stem = next((s for s in stems if s in by_lower), None)
        if stem is not None:
            cut.setdefault(stem, []).append(role)
    for stem, roles in cut.items():
        family = [by_lower[n] for n in _renamed(stem, by_lower) if by_lower[n] not in taken]
        matched.update(zip(roles, family, strict=False))
        if len(roles) > 1 or len(family) > 1:
            pairs = ", ".join(
                f"{'/'.join(wanted[r])}→{a}" for r, a in zip(roles, family, strict=False)
            )
            findings.add(
                "truncated_field_names",
                "field names cut to 10 characters collide; "
                "matched in the order of the profile (check them)",
                pairs,
            )
    return matched


def _renamed(stem: str, by_lower: Mapping[str, str]) -> list[str]:
    """``stem`` and the renames writers give later fields cut to it: ``konpodzi_1``…"""
    family = [stem] if stem in by_lower else []
    for number in range(1, 100):
        suffix = f"_{number}"
        name = stem[: DBF_NAME_LENGTH - len(suffix)] + suffix
        if name not in by_lower:
            break
        family.append(name)
    return family


@dataclass
class Binding:
    """A profile matched to one file: turns a feature's attributes into a record."""

    profile: Profile
    columns: dict[str, str]  # target column -> the file's field name
    local_id_field: str | None
    version_field: str | None
    default_start: dt.datetime
    findings: Findings

    def __post_init__(self) -> None:
        """Work out once per file what every record needs (a county has 10⁵–10⁶ features)."""
        table = DATA_TABLES[self.profile.table]
        names = columns_of(table.name)
        self._template: dict[str, Any] = dict.fromkeys(names)
        self._lists = [c for c in names if isinstance(table.c[c].type, (JSONB, ARRAY))]
        self._required = [c for c in names if _required(table.name, c)]
        self._converters = {
            column: (source, _converter(table.c[column])) for column, source in self.columns.items()
        }
        self._business = BUSINESS_ID.get(table.name)
        self._business_field = self.columns.get(self._business or "")

    @property
    def source_fields(self) -> list[str]:
        """The file's fields this binding reads (and only these are read)."""
        extra = [f for f in (self.local_id_field, self.version_field) if f]
        return list(dict.fromkeys([*self.columns.values(), *extra]))

    def label(self, values: Mapping[str, Any], number: int) -> str:
        """How findings name a feature: its number in the file and, if known, its id."""
        field = self._business_field
        ident = _text(values.get(field)) if field else None
        return f"feature {number} ({ident})" if ident else f"feature {number}"

    def record(self, values: Mapping[str, Any], label: str) -> dict[str, Any] | None:
        """All columns of the table, ``geom`` None; None if the feature cannot become a
        row (a NOT NULL value missing: a finding, instead of a failed COPY later)."""
        row = self._template.copy()
        for column in self._lists:
            row[column] = []  # their server defaults; a fresh list per record
        for column, (source, convert) in self._converters.items():
            row[column] = self._convert(column, convert, values.get(source), label)
        if self.profile.table == "parcel":
            _derive_parcel(row, label, self.findings)
        row |= self._identity(values, row, label)
        missing = [c for c in self._required if row[c] is None]
        if missing or not row["local_id"]:
            what = ", ".join(missing) or "local_id"
            self.findings.add(
                "missing_value", "feature skipped: a required value is empty", f"{label}: {what}"
            )
            return None
        return row

    def _convert(self, column: str, convert: Any, value: Any, label: str) -> Any:
        try:
            return convert(value)
        except (ValueError, ArithmeticError):
            self.findings.add(
                "bad_value",
                "value not understood for its column; left empty",
                f"{label}: {column}={value!r}",
            )
            return None

    def _identity(self, values: Mapping[str, Any], row: dict[str, Any], label: str) -> dict:
        """The versioning columns: namespace, local id (or the business id), version start."""
        local_id = _text(values.get(self.local_id_field)) if self.local_id_field else None
        if not local_id:
            business = self._business
            local_id = row.get(business) if business else None
            instead = f"the {business} is used instead" if business else "feature skipped"
            self.findings.add("local_id_fallback", f"no local id; {instead}", label)
        start = None
        if self.version_field:
            raw = values.get(self.version_field)
            try:
                start = _moment(raw)
            except ValueError:
                start = None
            if start is None:
                self.findings.add(
                    "version_date_fallback",
                    "no usable version date; the file's modification time is used",
                    f"{label}: {raw!r}",
                )
        return {
            "namespace": self.profile.namespace,
            "local_id": local_id,
            "version_id": "",
            "version_start": start or self.default_start,
        }


def _derive_parcel(row: dict[str, Any], label: str, findings: Findings) -> None:
    """Number, map sheet and obręb read from the parcel id where the file gives none."""
    if not row["parcel_id"]:
        return
    try:
        parcel = read_parcel_id(row["parcel_id"]).value
    except IdentifierError as exc:
        findings.add("parcel_id_unparsed", f"parcel id not understood: {exc}", label)
        row["number"] = row["number"] or row["parcel_id"].rsplit(".", 1)[-1]
        return
    row["number"] = row["number"] or parcel.number
    row["sheet"] = row["sheet"] or parcel.sheet
    row["district_id"] = row["district_id"] or str(parcel.district)


# ---- values -------------------------------------------------------------------------------
def _converter(column: Column) -> Callable[[Any], Any] | None:
    """The conversion a column's SQL type needs; None for list and JSON columns."""
    kind = column.type
    if isinstance(kind, SmallInteger):
        return lambda v: _integer(v, 2**15)
    if isinstance(kind, Integer):
        return lambda v: _integer(v, 2**31)
    if isinstance(kind, Numeric):
        return _decimal
    if isinstance(kind, TIMESTAMP):
        return _moment
    if isinstance(kind, Text):
        return _text
    return None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value == ""


def _text(value: Any) -> str | None:
    """Text as written (trimmed); a whole number read from a numeric field loses its ``.0``."""
    if _blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip() or None


def _decimal(value: Any) -> Decimal | None:
    """Numbers from numeric fields or from text with a decimal comma (``1,2345``)."""
    if _blank(value) or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError("a yes/no value is not a number")
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a number") from None
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    return number


def _integer(value: Any, bound: int) -> int | None:
    number = _decimal(value)
    if number is None:
        return None
    if number != number.to_integral_value() or not -bound <= number < bound:
        raise ValueError(f"{value!r} is not a whole number in range")
    return int(number)


def _moment(value: Any) -> dt.datetime | None:
    """Dates and times: a naive one is Polish local time, a date its local midnight."""
    if _blank(value):
        return None
    if isinstance(value, dt.datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=WARSAW)
        return aware.astimezone(dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(), WARSAW).astimezone(dt.UTC)
    text = str(value).strip()
    if len(text) == 8 and text.isdigit():  # 20240131, as DBF dates are stored
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    moment = timestamp(text)
    if moment is None:
        raise ValueError(f"{value!r} is not a date")
    return moment


# ---- loading ------------------------------------------------------------------------------
def load_profile(source: str | Path) -> Profile:
    """A profile by name (``parcels-kieg``, from ``etl/profiles``) or by path."""
    path = Path(source)
    if path.suffix not in (".yaml", ".yml") and not path.exists():
        path = PROFILE_DIR / f"{source}.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        known = ", ".join(available_profiles())
        raise ProfileError(f"{path.name}: no such profile (shipped: {known})") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ProfileError(f"{path.name}: cannot be read as YAML ({exc})") from None
    if not isinstance(data, dict):
        raise ProfileError(f"{path.name}: expected a mapping of keys (name, table, fields…)")
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        raise ProfileError(f"{path.name}: {_explain(exc)}") from None


def available_profiles() -> list[str]:
    """Names of the shipped profiles."""
    return sorted(p.stem for p in PROFILE_DIR.glob("*.yaml"))


def _explain(exc: ValidationError) -> str:
    """Pydantic's errors as 'field: problem' phrases a person can act on."""
    parts = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown key (misspelt?)"
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)
