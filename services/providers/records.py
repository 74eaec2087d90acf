"""A pygeoapi record provider over the portal's metadata records, held in memory.

Why not pygeoapi's ``TinyDBCatalogue``: it builds a Python expression from the request
(``q``, property values, ``datetime``) and ``eval``s it — a quote in ``q`` runs code on
the server. A few hundred records need no database: they are read once from the file
``services/records.py`` writes, and filtered here with plain comparisons.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pygeoapi.provider.base import (
    BaseProvider,
    ProviderConnectionError,
    ProviderInvalidQueryError,
    ProviderItemNotFoundError,
)

TEXT_FIELDS = ("title", "description", "title_en", "description_en")


class MetadataRecordProvider(BaseProvider):
    """OGC API Records items from a JSON file of GeoJSON records (``{"records": [...]}``)."""

    def __init__(self, provider_def: dict[str, Any]):
        super().__init__(provider_def)
        try:
            document = json.loads(Path(str(self.data)).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ProviderConnectionError("metadata records cannot be read") from exc
        self.records: list[dict[str, Any]] = document["records"]
        self._fields = {name: {"type": "string"} for name in ("type", "title", "description",
                        "language", "license", "updated")}  # fmt: skip

    def get_fields(self) -> dict[str, dict[str, str]]:
        """The properties a client may filter on."""
        return self._fields

    def query(self, offset=0, limit=10, resulttype="results", bbox=None, datetime_=None,  # noqa: ANN001
              properties=None, sortby=None, select_properties=None, skip_geometry=False,  # noqa: ANN001
              q=None, **kwargs) -> dict[str, Any]:  # noqa: ANN001, ANN003  # fmt: skip
        """Records matching every filter, in file order, one page."""
        if datetime_ is not None:
            raise ProviderInvalidQueryError(
                user_msg="datetime nie jest obsługiwany / not supported"
            )
        found = [record for record in self.records
                 if _matches(record, q, properties or [], bbox or [])]  # fmt: skip
        page = [] if resulttype == "hits" else found[int(offset) : int(offset) + int(limit)]
        return {"type": "FeatureCollection", "features": page,
                "numberMatched": len(found), "numberReturned": len(page)}  # fmt: skip

    def get(self, identifier, **kwargs) -> dict[str, Any]:  # noqa: ANN001, ANN003
        """One record by its id."""
        for record in self.records:
            if record["id"] == str(identifier):
                return record
        raise ProviderItemNotFoundError(user_msg="Nie ma takiego rekordu / no such record")


def _matches(record: dict[str, Any], q: str | None, properties: list[tuple[str, Any]],
             bbox: list[float]) -> bool:  # fmt: skip
    values = record["properties"]
    if any(str(values.get(name)) != str(value) for name, value in properties):
        return False
    if q and not _text_matches(values, q):
        return False
    return not bbox or _overlaps(record, bbox)


def _text_matches(values: dict[str, Any], q: str) -> bool:
    """OGC API Records ``q``: any comma-separated term; a term's words all present."""
    text = " ".join([*(str(values.get(name, "")) for name in TEXT_FIELDS),
                     *map(str, values.get("keywords", []))]).casefold()  # fmt: skip
    terms = [term.split() for term in q.casefold().split(",") if term.strip()]
    return any(all(word in text for word in words) for words in terms)


def _overlaps(record: dict[str, Any], bbox: list[float]) -> bool:
    ring = record["geometry"]["coordinates"][0]
    xs, ys = [point[0] for point in ring], [point[1] for point in ring]
    west, south, east, north = bbox[:4]
    return min(xs) <= east and max(xs) >= west and min(ys) <= north and max(ys) >= south
