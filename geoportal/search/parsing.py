"""What a person typed in the search box, read into the interpretations it allows.

One text may mean several things: "Łask 1" is parcel 1 in the obręby called Łask…, the
start of the obręb name "Łask 1 Śródmieście" and house number 1 in Łask. The reader lists
every plausible interpretation; the finder looks each up and ranks the answers. Nothing
here reads the database.

>>> [type(i).__name__ for i in parse("Łask 13/4").interpretations]
['PlaceNumber', 'Address', 'Address', 'Name']
>>> parse("100302-4.1.123/4").interpretations[0]
IdPrefix(text='100302_4.0001.123/4', exact=True)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from geoportal.cadastre.identifiers import is_parcel_id
from geoportal.search.keys import number_key, search_key, street_key

MAX_LENGTH = 200  # signs; a parcel id with an address around it is far shorter
MAX_WORDS = 8  # words before a number tried as locality/street splits

# Lenient parcel, obręb and unit ids: any of "._-" or spaces between the parts, the obręb
# number without its leading zeros, "AR_"/"ar " for the map sheet, spaces around "/".
_SEP = r"\s*[._\-\s]\s*"
_ID = re.compile(
    r"^(?P<teryt>\d{6})(?:\s*[_\-\s]?\s*(?P<kind>\d)"
    rf"(?:{_SEP}(?P<obreb>\d{{1,4}})"
    rf"(?:{_SEP}(?:ar\s*[_\-\s]?\s*(?P<sheet>\d+){_SEP})?"
    r"(?P<ndz>\d+(?:\s*/\s*\d*)?)?)?)?)?\s*[._\-]?$",
    re.IGNORECASE,
)
_PARCEL_NUMBER = re.compile(r"^\d+(?:/\d+)?$")
_HOUSE_NUMBER = re.compile(r"^\d+[A-Za-z]?(?:/\d*[A-Za-z]?)?$")
_DIGITS = re.compile(r"^\d{1,4}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]")


class QueryError(ValueError):
    """A text the search refuses to read; ``code`` names the reason for the message table."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code


@dataclass(frozen=True)
class IdPrefix:
    """A (beginning of a) TERYT id, canonical: unit, obręb or parcel; ``exact``: a whole id."""

    text: str
    exact: bool


@dataclass(frozen=True)
class PlaceNumber:
    """A parcel number in an obręb named (or numbered) ``place``: "Łask 13/4", "0001 13"."""

    place: str  # search key of the obręb name, maybe with the gmina; or an obręb number
    number: str  # parcel number or its beginning ("13", "13/")

    @property
    def numbered(self) -> bool:
        """The place is an obręb number (``0001`` or ``1``), not a name."""
        return bool(_DIGITS.match(self.place))


@dataclass(frozen=True)
class Address:
    """Locality, street and house number keys; ``street`` None: a place without streets,
    ``locality`` None: any locality (the street alone was given)."""

    locality: str | None
    street: str | None
    number: str


@dataclass(frozen=True)
class Name:
    """The beginning of an obręb or gmina name (search key)."""

    key: str


Interpretation = IdPrefix | PlaceNumber | Address | Name


@dataclass(frozen=True)
class Reading:
    """The cleaned text and its interpretations; none with ``hint`` saying what is missing."""

    text: str
    interpretations: tuple[Interpretation, ...]
    hint: str | None = None


def clean(text: str) -> str:
    """The text as searched: NFC, trimmed; refuse empty, overlong or control signs."""
    if not isinstance(text, str):
        raise QueryError("empty")
    if len(text) > 4 * MAX_LENGTH:
        raise QueryError("too_long")
    text = unicodedata.normalize("NFC", text).strip()
    if not text:
        raise QueryError("empty")
    if len(text) > MAX_LENGTH:
        raise QueryError("too_long")
    if _CONTROL.search(text):
        raise QueryError("control")
    return text


def parse(text: str) -> Reading:
    """Every interpretation of a cleaned search text (coordinates are read elsewhere)."""
    text = clean(text)
    identifier = read_id(text)
    if identifier is not None:
        return Reading(text, (identifier,))
    if not search_key(text):
        return Reading(text, (), hint="no_words")
    parts = [part.split() for part in text.split(",")]
    parts = [part for part in parts if part]
    words = [word for part in parts for word in part]
    found: list[Interpretation] = []
    index = _last_number(words)
    if index is None:
        found.append(Name(search_key(text)))
        return Reading(text, tuple(found))
    number = words[index]
    before, after = words[:index], words[index + 1 :]
    if not before and not after:
        return Reading(text, (), hint="number_only")
    place = search_key(" ".join(before + after))
    if place and _PARCEL_NUMBER.match(number.rstrip("/")) and len(words) <= MAX_WORDS + 1:
        found.append(PlaceNumber(place, number))
    if _HOUSE_NUMBER.match(number):
        found += _addresses(parts, before, after, number_key(number))
    found.append(Name(search_key(text)))
    return Reading(text, tuple(dict.fromkeys(found)))


def read_id(text: str) -> IdPrefix | None:
    """A TERYT id written leniently (``100302-4.1.123/4``), canonical; None if not one.

    A 6-digit start alone (``100302``) is the beginning of a unit id: its prefix.
    """
    match = _ID.match(text.strip())
    if not match:
        return None
    teryt, kind, obreb = match["teryt"], match["kind"], match["obreb"]
    if kind is None:
        return IdPrefix(teryt, exact=False)
    canonical = f"{teryt}_{kind}"
    if obreb is None:
        return IdPrefix(canonical, exact=False)
    if int(obreb) == 0:
        return None
    canonical += f".{int(obreb):04d}"
    ndz = re.sub(r"\s+", "", match["ndz"] or "")
    if not ndz:
        return IdPrefix(canonical, exact=False) if match["sheet"] is None else None
    sheet = f".AR_{int(match['sheet'])}" if match["sheet"] is not None else ""
    canonical += f"{sheet}.{ndz}"
    return IdPrefix(canonical, exact=is_parcel_id(canonical))


def _last_number(words: list[str]) -> int | None:
    """Index of the last word that is a parcel or house number (``13``, ``13/4``, ``12a``)."""
    for index in range(len(words) - 1, -1, -1):
        if _HOUSE_NUMBER.match(words[index]) or _PARCEL_NUMBER.match(words[index].rstrip("/")):
            return index
    return None


def _addresses(
    parts: list[list[str]], before: list[str], after: list[str], number: str
) -> list[Address]:
    """Locality/street readings: a comma or a number in the middle says which is which."""
    if after:  # "Warszawska 12 Łask", "Warszawska 12, Łask"; "Teodory 5, Łask" (its gmina)
        locality = search_key(" ".join(after))
        found = [Address(locality, street_key(" ".join(before)) or None, number)]
        if before and search_key(" ".join(before)):
            found.append(Address(search_key(" ".join(before)), None, number))
        return found
    if len(parts) > 1:  # "Łask, Warszawska 12" or "Wola Łaska, 5"
        locality = search_key(" ".join(w for part in parts[:-1] for w in part))
        street = street_key(" ".join(parts[-1][:-1])) or None
        return [Address(locality, street, number)]
    if len(before) > MAX_WORDS:
        return []
    found = [Address(None, street_key(" ".join(before)), number)]  # a street, any locality
    for split in range(1, len(before) + 1):  # locality = first words, street = the rest
        locality = search_key(" ".join(before[:split]))
        street = street_key(" ".join(before[split:])) or None
        if locality:
            found.append(Address(locality, street, number))
    return found
