"""What a provider serves: one ``publish`` view, read from its pygeoapi provider block.

The block is generated from the layer catalog (``services/configgen/pygeoapi.py``), and
names a database role, never a host or password::

    name: services.providers.postgis.PublishViewProvider
    data: {role: public, schema: publish, view: parcels,
           fields: {parcel_id: string, area_ha: number, data_date: date}}
    id_field: gid
    geom_field: geom
    storage_crs: http://www.opengis.net/def/crs/EPSG/0/2180

Identifiers are checked again here, so SQL is composed only from names that look like
the catalog's (``sql.Identifier`` quotes them as well).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from services.providers.crs import CRS84, served_crs
from services.providers.fields import FIELD_TYPES

_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_ROLE = re.compile(r"^(?:public|app|staff)$")  # never the owner: services only read
MAX_FIELDS = 45  # json_build_object takes at most 100 arguments (key + value each)


class ViewConfigError(ValueError):
    """The provider block does not describe a view we can serve."""


@dataclass(frozen=True)
class ViewSpec:
    """A publish view: where it is, its id and geometry columns, its typed properties."""

    role: str  # key of a role of geoportal.database.Database
    schema: str
    view: str
    id_column: str
    geom_column: str
    fields: dict[str, str]
    storage_crs: str  # what pygeoapi calls "no transformation"; the column is EPSG:2180

    def string_fields(self) -> list[str]:
        """Properties a free-text ``q`` search looks into."""
        return [name for name, kind in self.fields.items() if kind == "string"]


def view_spec(provider_def: dict[str, Any]) -> ViewSpec:
    """Validate a provider block and return the view it describes."""
    data = provider_def.get("data")
    if not isinstance(data, dict):
        raise ViewConfigError("provider data must be a mapping with role/schema/view")
    fields = data.get("fields") or {}
    spec = ViewSpec(
        role=_checked(_ROLE, data.get("role"), "role"),
        schema=_checked(_IDENTIFIER, data.get("schema"), "schema"),
        view=_checked(_IDENTIFIER, data.get("view"), "view"),
        id_column=_checked(_IDENTIFIER, provider_def.get("id_field"), "id_field"),
        geom_column=_checked(_IDENTIFIER, provider_def.get("geom_field", "geom"), "geom_field"),
        fields={_checked(_IDENTIFIER, k, "field"): _field_type(v) for k, v in fields.items()},
        storage_crs=provider_def.get("storage_crs", CRS84),  # pygeoapi's default
    )
    if len(spec.fields) > MAX_FIELDS or served_crs(spec.storage_crs) is None:
        raise ViewConfigError(f"{spec.view}: too many fields or unsupported storage_crs")
    return spec


def _checked(pattern: re.Pattern[str], value: object, what: str) -> str:
    if not isinstance(value, str) or not pattern.match(value):
        raise ViewConfigError(f"invalid {what}: {value!r}")
    return value


def _field_type(value: object) -> str:
    if value not in FIELD_TYPES:
        raise ViewConfigError(f"unknown field type {value!r}")
    return str(value)
