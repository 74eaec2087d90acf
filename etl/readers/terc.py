"""Reader of the GUS TERYT TERC register (``TERC_Urzedowy_*.xml``) into ``terc_name``.

TERC is the official list of voivodeships, counties and gminas with their names; counties
check obręb and unit identifiers against it. The file is ``<teryt><catalog name="TERC">``
with one ``<row>`` per unit: WOJ, POW, GMI, RODZ, NAZWA, NAZWA_DOD, STAN_NA. The TERYT code
is WOJ (voivodeship), WOJ+POW (county) or WOJ+POW+GMI+RODZ (gmina, 7 digits: the gmina
type RODZ tells an urban-rural gmina 3 from its town 4 and rural area 5, which share GMI).

Each row is one version of its unit: the local id is the TERYT code, the version id the
STAN_NA date ("as of"), and the version starts at midnight of that day, Polish time. The
file is streamed (rows are cleared once read) and read without a DTD.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lxml import etree

from etl.gml.safe import UnsafeXMLError, safe_iterparse
from etl.readers.base import WARSAW, Findings, InputError, Noting, Record, date, local

TERC_NAMESPACE = "PL.GUS.TERC"
_TWO = re.compile(r"\d{2}")
_ONE = re.compile(r"\d")


def terc_code(woj: str, pow_: str, gmi: str, rodz: str) -> tuple[str, str] | None:
    """(teryt, level) of a TERC row's code columns, or None if they do not fit together."""
    if not _TWO.fullmatch(woj):
        return None
    if not pow_:
        return (woj, "voivodeship") if not (gmi or rodz) else None
    if not _TWO.fullmatch(pow_):
        return None
    if not gmi:
        return (woj + pow_, "county") if not rodz else None
    if _TWO.fullmatch(gmi) and _ONE.fullmatch(rodz):
        return woj + pow_ + gmi + rodz, "gmina"
    return None


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), WARSAW).astimezone(dt.UTC)


class TercReader(Noting):
    """``for table, record in TercReader(path)``; then ``.findings``."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._findings = Findings()
        self._catalog_day: dt.date | None = None
        self._seen: set[str] = set()

    @classmethod
    def sniff(cls, path: Path) -> bool:
        """True for ``<teryt>`` whose first child is ``<catalog name="TERC">`` (SIMC and ULIC
        share the root but are other catalogs)."""
        try:
            starts = safe_iterparse(path, events=("start",))
            _, root = next(starts)
            _, catalog = next(starts)
        except Exception:  # not XML, refused, unreadable, too short
            return False
        return root.tag == "teryt" and catalog.tag == "catalog" and catalog.get("name") == "TERC"

    def __iter__(self) -> Iterator[Record]:
        try:
            yield from self._records()
        except (etree.XMLSyntaxError, UnsafeXMLError, OSError) as exc:
            raise InputError(self.path, f"not readable as TERC XML: {exc}") from exc

    def _records(self) -> Iterator[Record]:
        for event, element in safe_iterparse(self.path, events=("start", "end")):
            if event == "start":
                if element.tag == "catalog":
                    self._catalog_day = date(element.get("date"))
                continue
            if element.tag == "row":
                yield from self._row(element)
                element.clear()
                parent = element.getparent()
                while parent is not None and element.getprevious() is not None:
                    del parent[0]

    def _row(self, row: etree._Element) -> Iterator[Record]:
        values = {local(c.tag): (c.text or "").strip() for c in row if isinstance(c.tag, str)}
        code = terc_code(*(values.get(k, "") for k in ("WOJ", "POW", "GMI", "RODZ")))
        name = values.get("NAZWA")
        if code is None or not name:
            self.note(
                "row_skipped",
                "row without a valid code or name not loaded",
                "/".join(values.get(k, "") for k in ("WOJ", "POW", "GMI", "RODZ", "NAZWA")),
            )
            return
        teryt, level = code
        if teryt in self._seen:
            self.note("duplicate_code", "TERYT code repeated in the file; read once", teryt)
            return
        self._seen.add(teryt)
        yield (
            "terc_name",
            self._versioning(teryt, values.get("STAN_NA", ""))
            | {
                "teryt": teryt,
                "level": level,
                "kind": values.get("RODZ") or None,
                "name": name,
                "description": values.get("NAZWA_DOD") or None,
                "valid_on": date(values.get("STAN_NA")),
            },
        )

    def _versioning(self, teryt: str, stan_na: str) -> dict[str, Any]:
        """Version columns: STAN_NA, else the catalog's date, else the file's time."""
        day = date(stan_na) or self._catalog_day
        if date(stan_na) is None:
            self.note(
                "no_stan_na",
                "row without a valid STAN_NA; the catalog date or the "
                "file's modification time is the version start",
                teryt,
            )
        start = (
            _midnight(day)
            if day is not None
            else dt.datetime.fromtimestamp(self.path.stat().st_mtime, dt.UTC)
        )
        return {
            "namespace": TERC_NAMESPACE,
            "local_id": teryt,
            "version_id": stan_na,
            "object_start": None,
            "version_start": start,
            "version_end": None,
            "object_end": None,
        }
