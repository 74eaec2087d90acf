"""Fees of the e-services: itemised quotes from the fee data, and their server-side check.

Sources
    ``fees.yaml`` beside this module: table 11 of the annex to Prawo geodezyjne i
    kartograficzne (EGiB documents) and the stamp duty of the ustawa o opłacie skarbowej
    (planning extracts, certificates), each table with its source, year and valid-from
    date, and the exemptions an applicant may claim with their legal basis. Nothing was
    checked against the Acts' own text (domain reference §4), so every table carries
    ``verified: false`` and a quote says whether all it used was verified.

Decisions
    * Money is integer grosze everywhere; amounts in the file are decimal text
      (``"15.00"``) or whole złoty, never floats. A multiplier applies per line and the
      line is rounded half up to the grosz.
    * A quote is the same function on both sides: the form shows :func:`quote`; the server
      recomputes it with :func:`verify_quote` and refuses a different one
      (:class:`FeeMismatch`) instead of trusting or repairing what a client sent.
    * Exemptions are claimed, not applied: a quote carries the claim and the full total;
      staff decide the claim later (``store.decide_exemption``).
    * The paper or electronic amount follows the document's medium, which the submission
      derives from its delivery form.
    * Planning stamp duty: the 200 zł cap applies to the wyrys part alone (see the note at
      the top of ``fees.yaml``).
    * Page and part counts of planning extracts are known for sure only once staff have
      prepared them; the quote at submission counts what the document will list
      (``quantities`` module): the zones of the acts it quotes, a studium's for a studium
      extract.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

from pydantic import Field, model_validator

from geoportal.cases.datafile import HERE, Strict, load_model
from geoportal.cases.errors import FeeError, FeeMismatch
from geoportal.cases.fee_items import (
    CappedItem,
    Charge,
    FeeItem,
    FlatItem,
    Medium,
    PerUnitItem,
    TieredItem,
    format_pln,
)
from geoportal.text import Text

FEES_FILE = HERE / "fees.yaml"
MAX_QUANTITY = 10_000  # more parcels or pages than this in one request is a typing error


class FeeTable(Strict):
    """One edition of a fee table: its items, source, year and the day it applies from."""

    key: str
    title: Text
    source: str
    verified: bool
    year: int = Field(ge=2000, le=2200)
    valid_from: dt.date
    items: dict[str, FeeItem]


class Exemption(Strict):
    """A ground for not paying that an applicant may claim; staff decide."""

    title: Text
    basis: str
    verified: bool
    tables: tuple[str, ...] = Field(min_length=1)


class FeeRules(Strict):
    """The fee file: table editions, schedules per e-service, exemptions."""

    tables: tuple[FeeTable, ...]
    schedules: dict[str, tuple[str, ...]]
    exemptions: dict[str, Exemption]

    @model_validator(mode="after")
    def _references(self) -> FeeRules:
        owner: dict[str, str] = {}
        for table in self.tables:
            for item in table.items:
                if owner.setdefault(item, table.key) != table.key:
                    raise ValueError(f"item {item!r} is in two tables: {owner[item]}, {table.key}")
        for schedule, items in self.schedules.items():
            for item in items:
                if item not in owner:
                    raise ValueError(f"schedule {schedule!r}: no table has item {item!r}")
        table_keys = {table.key for table in self.tables}
        for key, exemption in self.exemptions.items():
            if unknown := set(exemption.tables) - table_keys:
                raise ValueError(f"exemption {key!r}: unknown tables {sorted(unknown)}")
        return self

    @classmethod
    def load(cls, path: Path = FEES_FILE) -> FeeRules:
        """The rules of a fee file (:class:`RulesError` if it is not valid)."""
        return load_model(path, cls)

    def edition(self, item: str, on: dt.date) -> FeeTable:
        """The newest edition of the table holding ``item`` in force on ``on``."""
        editions = [t for t in self.tables if item in t.items and t.valid_from <= on]
        if not editions:
            raise FeeError(f"no fee table in force on {on} has item {item!r}")
        return max(editions, key=lambda table: table.valid_from)

    def items(self, schedule: str) -> tuple[str, ...]:
        """The items a schedule charges."""
        try:
            return self.schedules[schedule]
        except KeyError:
            raise FeeError(f"unknown fee schedule {schedule!r}") from None

    def quantities(self, schedule: str, on: dt.date) -> set[str]:
        """What a quote of ``schedule`` must be told (``parcel``, ``wypis_page`` …)."""
        needed = {self.edition(item, on).items[item].per for item in self.items(schedule)}
        return {per for per in needed if per is not None}


@cache
def default_fee_rules() -> FeeRules:
    """The rules of the committed ``fees.yaml`` (read once, on first use)."""
    return FeeRules.load()


class ExemptionClaim(Strict):
    """An applicant's claim to an exemption, with their justification."""

    key: str
    justification: str = Field(min_length=1, max_length=2000)


class QuoteLine(Strict):
    """One itemised line of a quote."""

    item: str
    table: str
    table_year: int
    title: Text
    per: str | None
    quantity: int
    unit_grosze: int
    factor: str
    amount_grosze: int
    note: str | None = None


class Quote(Strict):
    """What a request costs: itemised lines, the total, and any exemption claimed."""

    schedule: str
    medium: Medium
    quantities: dict[str, int]
    on: dt.date
    lines: tuple[QuoteLine, ...]
    total_grosze: int
    verified: bool = Field(description="every table and multiplier used was verified")
    exemption_claim: ExemptionClaim | None = None

    def same_charge(self, other: Quote) -> bool:
        """Whether ``other`` charges the same for the same request (the date aside)."""
        return self.model_dump(exclude={"on"}) == other.model_dump(exclude={"on"})


def quote(
    schedule: str,
    medium: Medium,
    quantities: dict[str, int],
    on: dt.date,
    exemption_claim: ExemptionClaim | None = None,
    rules: FeeRules | None = None,
) -> Quote:
    """The itemised quote of a fee schedule on a date; :class:`FeeError` if it cannot be."""
    rules = rules or default_fee_rules()
    _check_quantities(rules.quantities(schedule, on), quantities)
    lines: list[QuoteLine] = []
    verified = True
    for key in rules.items(schedule):
        table = rules.edition(key, on)
        item = table.items[key]
        verified = verified and table.verified and item.verified
        quantity = quantities.get(item.per) if item.per else None
        lines += [_line(key, table, item, charge) for charge in item.price(quantity, medium)]
    if exemption_claim is not None:
        _check_claim(rules, exemption_claim, {line.table for line in lines})
    return Quote(
        schedule=schedule,
        medium=medium,
        quantities=dict(sorted(quantities.items())),
        on=on,
        lines=tuple(lines),
        total_grosze=sum(line.amount_grosze for line in lines),
        verified=verified,
        exemption_claim=exemption_claim,
    )


def verify_quote(claimed: Quote, on: dt.date, rules: FeeRules | None = None) -> Quote:
    """The server's own quote for the request ``claimed`` describes, if it charges the same.

    Raises :class:`FeeMismatch` when a client's quote differs in any line, amount, total
    or flag from the one computed here on the server's date ``on`` (the quote's own date
    is not trusted: a quote shown just before a new table took effect is refused too,
    and the form quotes again).
    """
    server = quote(
        claimed.schedule, claimed.medium, claimed.quantities, on, claimed.exemption_claim, rules
    )
    if not server.same_charge(claimed):
        raise FeeMismatch(
            f"the quote sent ({format_pln(claimed.total_grosze)}) is not the fee for this"
            f" request on {on} ({format_pln(server.total_grosze)}): quote again"
        )
    return server


def _line(key: str, table: FeeTable, item: PerUnitItem | TieredItem | CappedItem | FlatItem,
          charge: Charge) -> QuoteLine:  # fmt: skip
    return QuoteLine(
        item=key,
        table=table.key,
        table_year=table.year,
        title=item.title,
        per=item.per,
        quantity=charge.quantity,
        unit_grosze=charge.unit_grosze,
        factor=charge.factor,
        amount_grosze=charge.amount_grosze,
        note=charge.note,
    )


def _check_quantities(needed: set[str], given: dict[str, int]) -> None:
    if set(given) != needed:
        raise FeeError(f"the fee needs the quantities {sorted(needed)}, got {sorted(given)}")
    for name, value in given.items():
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_QUANTITY:
            raise FeeError(f"quantity {name} must be a whole number 1–{MAX_QUANTITY}: {value!r}")


def _check_claim(rules: FeeRules, claim: ExemptionClaim, tables: set[str]) -> None:
    exemption = rules.exemptions.get(claim.key)
    if exemption is None:
        raise FeeError(f"unknown exemption {claim.key!r}")
    if not tables & set(exemption.tables):
        raise FeeError(f"exemption {claim.key!r} does not apply to these fees")
