"""Case marks (znak sprawy) and their sequence numbers.

Source
    Instrukcja kancelaryjna (Rozporządzenie Prezesa Rady Ministrów of 18.01.2011,
    Dz.U. 2011 nr 14 poz. 67), per the domain reference §5: ``UNIT.JRWA.SEQ.YEAR``,
    dot-separated, e.g. ``GK.6640.15.2026``; a sub-unit is joined to its unit with a hyphen
    (``GK-I.6640.15.2026``); SEQ restarts every year per JRWA class and unit and never
    repeats.

Decisions
    * Strict: a unit is letters (Polish ones too: ``OŚ``) starting with a capital, each
      sub-unit capitals or digits (``GK-I``, ``GK-2``); JRWA is 1–4 digits (a terminal
      class of the list, leading zeros kept: ``0052``); SEQ is a natural number without
      leading zeros; YEAR four digits. Anything else — including five-part marks some
      offices write (``PODGiK.6640.1.2382.2020``) — is refused, not guessed at.
    * The sequence is a row per (unit, JRWA, year) in ``cases.mark_sequence``, bumped by
      ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` inside the transaction that inserts
      the case. The row stays locked until that transaction ends, so concurrent
      submissions queue for it and each reads the committed number before adding one;
      a rolled-back submission rolls its increment back too, so numbers neither repeat nor
      skip. (A PostgreSQL SEQUENCE would skip: ``nextval`` is never rolled back.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import psycopg

from geoportal.cases.errors import MarkError

_UPPER = "A-ZĄĆĘŁŃÓŚŹŻ"
_LETTER = _UPPER + "a-ząćęłńóśźż"
UNIT_PATTERN = f"[{_UPPER}][{_LETTER}]*(?:-[{_UPPER}0-9]+)*"
JRWA_PATTERN = "[0-9]{1,4}"
_MARK_RE = re.compile(rf"({UNIT_PATTERN})\.({JRWA_PATTERN})\.([1-9][0-9]*)\.([0-9]{{4}})")
_UNIT_RE = re.compile(UNIT_PATTERN)
_JRWA_RE = re.compile(JRWA_PATTERN)
MAX_SEQ = 2**31 - 1  # the column is integer


@dataclass(frozen=True, order=True)
class CaseMark:
    """A case mark; ``str(mark)`` is its official form.

    >>> mark = CaseMark.parse("GK-I.6640.15.2026")
    >>> mark.unit, mark.department, mark.jrwa, mark.seq, mark.year
    ('GK-I', 'GK', '6640', 15, 2026)
    >>> str(mark)
    'GK-I.6640.15.2026'
    """

    unit: str
    jrwa: str
    seq: int
    year: int

    def __post_init__(self) -> None:
        check_unit(self.unit)
        check_jrwa(self.jrwa)
        if not (isinstance(self.seq, int) and 1 <= self.seq <= MAX_SEQ):
            raise MarkError(f"sequence number {self.seq!r} must be a natural number")
        if not (isinstance(self.year, int) and 1000 <= self.year <= 9999):
            raise MarkError(f"year {self.year!r} must have four digits")

    @classmethod
    def parse(cls, text: str) -> CaseMark:
        """Read a mark; :class:`MarkError` says why a text is not one."""
        if not isinstance(text, str):
            raise MarkError(f"a case mark is text, not {type(text).__name__}")
        match = _MARK_RE.fullmatch(text)
        if match is None:
            raise MarkError(f"{text!r} is not a case mark UNIT.JRWA.SEQ.YEAR (GK.6640.15.2026)")
        unit, jrwa, seq, year = match.groups()
        return cls(unit, jrwa, int(seq), int(year))

    @property
    def department(self) -> str:
        """The unit without its sub-units (``GK`` of ``GK-I``)."""
        return self.unit.split("-", 1)[0]

    def __str__(self) -> str:
        return f"{self.unit}.{self.jrwa}.{self.seq}.{self.year}"


def check_unit(unit: str) -> str:
    """``unit`` if it is a valid organisational unit symbol, else :class:`MarkError`."""
    if not isinstance(unit, str) or not _UNIT_RE.fullmatch(unit):
        raise MarkError(f"unit {unit!r} must be letters from a capital, sub-units after '-'")
    return unit


def check_jrwa(jrwa: str) -> str:
    """``jrwa`` if it is a valid JRWA class symbol (1–4 digits), else :class:`MarkError`."""
    if not isinstance(jrwa, str) or not _JRWA_RE.fullmatch(jrwa):
        raise MarkError(f"JRWA class {jrwa!r} must be 1 to 4 digits")
    return jrwa


def allocate_mark(conn: psycopg.Connection, unit: str, jrwa: str, year: int) -> CaseMark:
    """The next mark of (unit, JRWA, year); call inside the transaction that stores the case.

    The row of the sequence stays locked until that transaction ends: keep the rest of
    the transaction short.
    """
    if conn.info.transaction_status != psycopg.pq.TransactionStatus.INTRANS:
        raise MarkError("a mark is allocated only inside the transaction that stores the case")
    check_unit(unit), check_jrwa(jrwa)
    row = conn.execute(
        "INSERT INTO cases.mark_sequence AS s (unit, jrwa, year, last) VALUES (%s, %s, %s, 1)"
        " ON CONFLICT (unit, jrwa, year) DO UPDATE SET last = s.last + 1 RETURNING s.last",
        (unit, jrwa, year),
    ).fetchone()
    assert row is not None
    return CaseMark(unit, jrwa, int(row[0]), year)
