"""Subjects (owners and holders), registration units (JRG) and shares.

The subject pool is county-wide and written once (one file), so a person can own land in
several units without appearing twice in a load. Persons are fictional: names from fixed
lists, checksum-valid PESEL in a recognisable 9xx serial block (see ``ids.pesel``).
Registration units group runs of neighbouring parcels; registry group 7 (natural
persons) dominates, roads belong to the gmina, forests to the State Treasury held by the
forest district, and some town land is municipal in perpetual usufruct. Shares of a unit
are fractions that sum to exactly 1.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from etl.synthetic import names as N
from etl.synthetic.ids import local_id, pesel, regon9, rng_for

_FRACTIONS = ((Fraction(1, 2), Fraction(1, 2)), (Fraction(1, 3),) * 3,
              (Fraction(1, 4), Fraction(3, 4)), (Fraction(1, 6), Fraction(1, 3), Fraction(1, 2)),
              (Fraction(3, 8), Fraction(5, 8)), (Fraction(2, 5), Fraction(3, 5)),
              (Fraction(1, 12), Fraction(5, 12), Fraction(1, 2)))  # fmt: skip


@dataclass
class SubjectAddress:
    local_id: str
    locality: str
    postcode: str
    street: str | None
    number: str

    def text(self) -> str:
        head = f"{self.locality} {self.number}"
        if self.street:
            head = f"ul. {self.street} {self.number}"
        return f"{head}, {self.postcode} {self.locality}"


@dataclass
class Person:
    local_id: str
    first: str
    second: str | None
    surname: str
    surname2: str | None
    father: str
    mother: str
    pesel: str
    male: bool
    address: int


@dataclass
class Subject:
    """A marriage, institution or group (kind: marriage/institution/group)."""

    local_id: str
    kind: str
    name: str | None = None
    short: str | None = None
    regon: str | None = None
    status: str = "1"
    members: tuple[int, ...] = ()  # person indices
    address: int | None = None


@dataclass
class SubjectPool:
    persons: list[Person]
    others: list[Subject]  # institutions first (in names.INSTITUTIONS order), then the rest
    addresses: list[SubjectAddress]
    marriages: list[int] = field(default_factory=list)  # indices into others
    groups: list[int] = field(default_factory=list)

    def institution(self, name_prefix: str) -> int:
        return next(
            i
            for i, s in enumerate(self.others)
            if s.kind == "institution" and s.name and s.name.startswith(name_prefix)
        )


def build_pool(seed: int, parcels: int) -> SubjectPool:
    """All subjects of the county (deterministic)."""
    rng = rng_for(seed, "subjects")
    pool = SubjectPool([], [], [])
    couples = max(10, int(parcels * 0.09))
    singles = max(20, int(parcels * 0.22))
    for i in range(couples):
        surname = N.SURNAMES[int(rng.integers(len(N.SURNAMES)))]
        a = _person(pool, seed, rng, f"p{2 * i}", True, surname)
        b = _person(pool, seed, rng, f"p{2 * i + 1}", False, surname)
        pool.marriages.append(len(pool.others))
        pool.others.append(Subject(local_id(seed, "malzenstwo", i), "marriage", status="34",
                                   members=(a, b)))  # fmt: skip
    for i in range(singles):
        surname = N.SURNAMES[int(rng.integers(len(N.SURNAMES)))]
        _person(pool, seed, rng, f"s{i}", bool(rng.random() < 0.55), surname)
    for i, (name, short, status) in enumerate(N.INSTITUTIONS):
        address = _address(pool, seed, rng, f"i{i}", town=True)
        regon = regon9(int(rng.integers(10**7, 10**8)))
        pool.others.insert(i, Subject(local_id(seed, "instytucja", i), "institution", name,
                                      short, regon, status, address=address))  # fmt: skip
    pool.marriages = [i + len(N.INSTITUTIONS) for i in pool.marriages]
    for i in range(max(2, parcels // 2000)):
        members = tuple(int(m) for m in rng.choice(len(pool.persons), 2, replace=False))
        pool.groups.append(len(pool.others))
        status = "33" if i % 2 else "32"
        name = "Spółka cywilna" if status == "33" else "Współwłasność łączna"
        pool.others.append(Subject(local_id(seed, "grupa", i), "group",
                                   f"{name} {pool.persons[members[0]].surname} i wspólnicy",
                                   status=status, members=members))  # fmt: skip
    return pool


def _person(
    pool: SubjectPool,
    seed: int,
    rng: np.random.Generator,
    key: str,
    male: bool,
    surname: tuple[str, str],
) -> int:
    names = N.MALE_NAMES if male else N.FEMALE_NAMES
    born = dt.date(1935, 1, 1) + dt.timedelta(days=int(rng.integers(0, 365 * 70)))
    pool.persons.append(Person(
        local_id(seed, "osoba", key), names[int(rng.integers(len(names)))],
        names[int(rng.integers(len(names)))] if rng.random() < 0.5 else None,
        surname[0] if male else surname[1],
        N.SURNAMES[int(rng.integers(len(N.SURNAMES)))][1] if not male and rng.random() < 0.06
        else None,
        N.MALE_NAMES[int(rng.integers(len(N.MALE_NAMES)))],
        N.FEMALE_NAMES[int(rng.integers(len(N.FEMALE_NAMES)))],
        pesel(born, int(rng.integers(0, 100)), male), male,
        _address(pool, seed, rng, key, town=rng.random() < 0.35)))  # fmt: skip
    return len(pool.persons) - 1


def _address(pool: SubjectPool, seed: int, rng: np.random.Generator, key: str, town: bool) -> int:
    if rng.random() < 0.08:
        locality, postcode = N.OUTSIDE_TOWNS[int(rng.integers(len(N.OUTSIDE_TOWNS)))]
        street = N.TOWN_STREETS[int(rng.integers(len(N.TOWN_STREETS)))]
    elif town:
        locality, postcode = N.TOWN_LOCALITY, "98-100"
        street = N.TOWN_STREETS[int(rng.integers(len(N.TOWN_STREETS)))]
    else:
        unit = N.UNITS[int(rng.integers(len(N.UNITS)))]
        locality = unit.villages[int(rng.integers(len(unit.villages)))]
        postcode, street = unit.postcode, None
        if unit.unit_id == N.TOWN_UNIT:
            locality, street = N.TOWN_LOCALITY, N.TOWN_STREETS[0]
    number = str(int(rng.integers(1, 160)))
    pool.addresses.append(
        SubjectAddress(local_id(seed, "adres-podmiotu", key), locality, postcode, street, number)
    )
    return len(pool.addresses) - 1


@dataclass
class Share:
    kind: str  # ownership / holding
    subject: tuple[str, int]  # ('person'|'other', index)
    fraction: Fraction
    right: str  # rodzajPrawa / rodzajWladania code


@dataclass
class RegistrationUnit:
    jrg_id: str
    group: int
    parcels: list[int]
    shares: list[Share]
    kw: str | None = None


def registration_units(
    pool: SubjectPool,
    obreb_id: str,
    gmina_name: str,
    roads: list[int],
    fields: list[tuple[int, str]],
    town: bool,
    rng: np.random.Generator,
) -> list[RegistrationUnit]:
    """Group parcels into JRGs and give each its owners. ``fields``: (index, main OFU)."""
    units: list[RegistrationUnit] = []
    gmina = pool.institution(f"Gmina {gmina_name}")
    if roads:
        units.append(RegistrationUnit("", 4, list(roads), [Share("ownership", ("other", gmina),
                                                                  Fraction(1), "1")]))  # fmt: skip
    i = 0
    while i < len(fields):
        run = int(rng.choice([1, 1, 1, 2, 2, 3]))
        members = [p for p, _ in fields[i : i + run]]
        main_ofu = fields[i][1]
        group, shares = _owners(pool, gmina, main_ofu, town, rng)
        units.append(RegistrationUnit("", group, members, shares))
        i += run
    for n, unit in enumerate(units, start=1):
        unit.jrg_id = f"{obreb_id}.G{n}"
    return units


# (institution name prefix or None for the gmina, registry group, share of units)
_PUBLIC = {
    True: (
        (None, 4, 0.08),
        ("Spółdzielnia Mieszkaniowa", 8, 0.025),
        ("Parafia", 9, 0.01),
        ("Agro", 15, 0.02),
        ("Powiat", 11, 0.01),
    ),
    False: (
        (None, 4, 0.02),
        ("Gminna Spółdzielnia", 8, 0.01),
        ("Parafia", 9, 0.01),
        ("Agro", 15, 0.02),
        ("Powiat", 11, 0.005),
    ),
}


def _owners(
    pool: SubjectPool, gmina: int, ofu: str, town: bool, rng: np.random.Generator
) -> tuple[int, list[Share]]:
    roll = rng.random()
    if ofu in ("Ls", "Lz") and roll < 0.6:
        treasury, forests = pool.institution("Skarb"), pool.institution("Państwowe")
        return 1, [
            Share("ownership", ("other", treasury), Fraction(1), "1"),
            Share("holding", ("other", forests), Fraction(1), "2"),
        ]
    if town and roll < 0.08:  # municipal land in perpetual usufruct
        return 5, [Share("ownership", ("other", gmina), Fraction(1), "1")] + [
            Share("holding", s.subject, s.fraction, "1") for s in _private(pool, rng)
        ]
    limit = 0.08 if town else 0.0
    for prefix, group, share in _PUBLIC[town]:
        limit += share
        if roll < limit:
            owner = gmina if prefix is None else pool.institution(prefix)
            return group, [Share("ownership", ("other", owner), Fraction(1), "1")]
    return 7, _private(pool, rng)


def _private(pool: SubjectPool, rng: np.random.Generator) -> list[Share]:
    """Owners of a natural-persons unit: one person, a marriage, or co-owners."""
    roll = rng.random()
    if roll < 0.5:
        return [Share("ownership", ("person", _pick(len(pool.persons), rng)), Fraction(1), "1")]
    if roll < 0.75:
        return [Share("ownership", ("other", pool.marriages[_pick(len(pool.marriages), rng)]),
                      Fraction(1), "1")]  # fmt: skip
    if roll < 0.95 or not pool.groups:
        parts = _FRACTIONS[int(rng.integers(len(_FRACTIONS)))]
        people = rng.choice(len(pool.persons), len(parts), replace=False)
        pairs = zip(people, parts, strict=True)
        return [Share("ownership", ("person", int(p)), f, "1") for p, f in pairs]
    group = pool.groups[int(rng.integers(len(pool.groups)))]
    return [Share("ownership", ("other", group), Fraction(1), "1")]


def _pick(count: int, rng: np.random.Generator) -> int:
    """Skewed choice: some owners hold many units, most hold one or two."""
    return (
        int(min(count - 1, rng.pareto(1.2) * count / 40))
        if rng.random() < 0.3
        else int(rng.integers(count))
    )
