"""Deterministic identifiers and checksummed numbers for the synthetic county.

Every random choice is drawn from a generator seeded by ``(seed, crc32(key))``, so one
obręb's content does not depend on the order in which others were generated, and two runs
with the same seed give byte-identical files. UUIDs are uuid5 of a fixed namespace and a
stable key for the same reason.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
import zlib

import numpy as np

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:x-geoportal:synthetic:powiat-laski:1003")
_NS_BYTES = NAMESPACE.bytes
PESEL_WEIGHTS = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
REGON_WEIGHTS = (8, 9, 2, 3, 4, 5, 6, 7)
# Land-register check digit: the commonly published algorithm (weights 1,3,7; X=10,
# A=11 … Z=33 without Q and V). UNVERIFIED against the Ministry of Justice specification.
_KW_VALUES = (
    {str(d): d for d in range(10)}
    | {"X": 10}
    | {letter: 11 + i for i, letter in enumerate("ABCDEFGHIJKLMNOPRSTUWYZ")}
)


def stable_int(*parts: object) -> int:
    """A process-independent hash (Python's ``hash`` is salted per process)."""
    return zlib.crc32("|".join(map(str, parts)).encode("utf-8"))


def rng_for(seed: int, *parts: object) -> np.random.Generator:
    """An independent random stream for one component of the county."""
    return np.random.default_rng([seed, stable_int(*parts)])


def local_id(seed: int, kind: str, key: object) -> str:
    """The idIIP lokalnyId of an object: uuid5 of the fixed namespace and a stable key
    (same value as ``uuid.uuid5``, computed without the UUID object: it is hot)."""
    digest = bytearray(hashlib.sha1(_NS_BYTES + f"{seed}|{kind}|{key}".encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def pesel(birth: dt.date, serial: int, male: bool) -> str:
    """A checksum-valid PESEL. ``serial`` (0–99) fills digits 7–8; digit 7 is forced to 9.

    Generated persons get serials 900–999 so that they are recognisable as generated;
    that block is not reserved, so a collision with a real number is possible in
    principle — these values are test data only.
    """
    year = birth.year
    month = birth.month + {18: 80, 19: 0, 20: 20, 21: 40, 22: 60}[year // 100]
    sex_digit = (2 * (serial % 5) + (1 if male else 0)) % 10
    body = f"{year % 100:02d}{month:02d}{birth.day:02d}9{serial % 100:02d}{sex_digit}"
    check = (10 - sum(int(c) * w for c, w in zip(body, PESEL_WEIGHTS, strict=True)) % 10) % 10
    return body + str(check)


def pesel_valid(value: str) -> bool:
    """Checksum test of a PESEL."""
    if len(value) != 11 or not value.isdigit():
        return False
    total = sum(int(c) * w for c, w in zip(value[:10], PESEL_WEIGHTS, strict=True))
    return (10 - total % 10) % 10 == int(value[10])


def regon9(body: int) -> str:
    """A checksum-valid 9-digit REGON for an 8-digit body."""
    digits = f"{body % 10**8:08d}"
    check = sum(int(c) * w for c, w in zip(digits, REGON_WEIGHTS, strict=True)) % 11 % 10
    return digits + str(check)


def kw_number(court: str, number: int) -> str:
    """A land-register (księga wieczysta) number with its computed check digit."""
    digits = f"{number:08d}"
    values = [_KW_VALUES[c] for c in court + digits]
    check = sum(v * w for v, w in zip(values, (1, 3, 7) * 4, strict=True)) % 10
    return f"{court}/{digits}/{check}"


def roman(number: int) -> str:
    """Roman numeral (council session numbers in resolution ids)."""
    table = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
             (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"),
             (1, "I"))  # fmt: skip
    out = []
    for value, numeral in table:
        while number >= value:
            out.append(numeral)
            number -= value
    return "".join(out)


def random_datetime(rng: np.random.Generator, start: dt.datetime, end: dt.datetime) -> dt.datetime:
    """A whole-second local time between ``start`` and ``end`` (office hours)."""
    days = (end - start).days
    day = start + dt.timedelta(days=int(rng.integers(0, max(days, 1))))
    return day.replace(hour=int(rng.integers(7, 16)), minute=int(rng.integers(0, 60)),
                       second=int(rng.integers(0, 60)))  # fmt: skip
