"""The kinds of fee item and how each prices a quantity, in integer grosze.

A fee table (``fees.yaml``) lists items of four kinds: a rate per unit with paper and
electronic amounts and optional per-unit multipliers (EGiB documents), one amount by
document size (a planning wypis: up to 5 pages, over 5), a rate per started part with a
cap (a planning wyrys: 20 zł per A4 part, at most 200 zł), and a flat amount (a
certificate). ``FeeItem`` is the registry: the ``kind`` key picks the class.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, model_validator

from geoportal.cases.datafile import Strict
from geoportal.text import Text

Medium = Literal["paper", "electronic"]


def _grosze(value: Any) -> int:
    """``"15.00"`` or ``15`` złoty as 1500 grosze; floats and fractions of a grosz refused."""
    if isinstance(value, float | bool) or not isinstance(value, str | int):
        raise ValueError(f"an amount is decimal text such as '15.00', not {value!r}")
    try:
        amount = Decimal(value) * 100
    except InvalidOperation:
        raise ValueError(f"{value!r} is not an amount in złoty") from None
    if amount != amount.to_integral_value() or amount < 0:
        raise ValueError(f"{value!r} is not a non-negative amount in whole grosze")
    return int(amount)


def _factor(value: Any) -> Decimal:
    if isinstance(value, float | bool) or not isinstance(value, str | int):
        raise ValueError(f"a factor is decimal text such as '0.8', not {value!r}")
    factor = Decimal(value)
    if not (0 < factor <= 1):
        raise ValueError(f"factor {value!r} must be in (0, 1]")
    return factor


Grosze = Annotated[int, BeforeValidator(_grosze)]
Factor = Annotated[Decimal, BeforeValidator(_factor)]


def format_pln(grosze: int) -> str:
    """``1500`` → ``'15,00 zł'``; thousands apart by a no-break space, the Polish way."""
    zloty, rest = divmod(grosze, 100)
    return f"{zloty:,}".replace(",", "\u00a0") + f",{rest:02d} zł"


class Charge(Strict):
    """What one item costs for one range of units, before it is named on a quote line."""

    quantity: int
    unit_grosze: int
    factor: str = "1"
    amount_grosze: int
    note: str | None = None


class MultiplierStep(Strict):
    """From the ``from``-th unit on, each unit costs ``factor`` times the rate."""

    start: int = Field(alias="from", ge=2)
    factor: Factor


class Multipliers(Strict):
    """Per-unit reductions (the UNVERIFIED one for simplified extracts lives here)."""

    verified: bool
    source: str
    steps: tuple[MultiplierStep, ...] = ()

    @model_validator(mode="after")
    def _ascending(self) -> Multipliers:
        starts = [step.start for step in self.steps]
        if starts != sorted(set(starts)):
            raise ValueError("multiplier steps must start at increasing unit numbers")
        return self

    def ranges(self, quantity: int) -> list[tuple[int, Decimal]]:
        """``(units, factor)`` for consecutive ranges of units 1..quantity."""
        bounds = [(1, Decimal(1))] + [(step.start, step.factor) for step in self.steps]
        result = []
        for index, (start, factor) in enumerate(bounds):
            end = bounds[index + 1][0] - 1 if index + 1 < len(bounds) else quantity
            units = min(end, quantity) - start + 1
            if units > 0:
                result.append((units, factor))
        return result


class PerUnitItem(Strict):
    """A rate per unit (parcel, registration unit …), paper and electronic."""

    kind: Literal["per_unit"]
    title: Text
    per: str
    paper: Grosze
    electronic: Grosze
    multipliers: Multipliers | None = None

    @property
    def verified(self) -> bool:
        """False when an unverified multiplier would change the amount."""
        return self.multipliers is None or self.multipliers.verified or not self.multipliers.steps

    def price(self, quantity: int | None, medium: Medium) -> list[Charge]:
        """One line per range of units that shares a factor."""
        assert quantity is not None
        rate = self.paper if medium == "paper" else self.electronic
        ranges = self.multipliers.ranges(quantity) if self.multipliers else [(quantity, Decimal(1))]
        return [
            Charge(quantity=units, unit_grosze=rate, factor=str(factor),
                   amount_grosze=_round(rate * units * factor))
            for units, factor in ranges
        ]  # fmt: skip


class Tier(Strict):
    """One amount for documents of up to ``up_to`` units (no limit on the last tier)."""

    up_to: int | None = Field(default=None, ge=1)
    amount: Grosze


class TieredItem(Strict):
    """One amount per document, chosen by its size (wypis: up to 5 pages, over 5)."""

    kind: Literal["tiered"]
    title: Text
    per: str
    tiers: tuple[Tier, ...] = Field(min_length=1)
    verified: bool = True

    @model_validator(mode="after")
    def _ordered(self) -> TieredItem:
        *bounded, last = self.tiers
        limits = [tier.up_to for tier in bounded if tier.up_to is not None]
        if last.up_to is not None or len(limits) != len(bounded) or limits != sorted(set(limits)):
            raise ValueError("tiers must have increasing up_to limits and an open last tier")
        return self

    def price(self, quantity: int | None, medium: Medium) -> list[Charge]:
        """A single line: the tier the document's size falls in."""
        assert quantity is not None
        below = 0  # the limit of the tier before, for the note
        for tier in self.tiers:
            if tier.up_to is None or quantity <= tier.up_to:
                break
            below = tier.up_to
        band = f"up to {tier.up_to}" if tier.up_to else f"over {below}"
        note = f"{self.per} × {quantity}: {band}"
        return [Charge(quantity=1, unit_grosze=tier.amount, amount_grosze=tier.amount, note=note)]


class CappedItem(Strict):
    """A rate per started part, the total capped (wyrys: 20 zł per A4 part, at most 200 zł)."""

    kind: Literal["capped"]
    title: Text
    per: str
    amount: Grosze
    cap: Grosze
    verified: bool = True

    def price(self, quantity: int | None, medium: Medium) -> list[Charge]:
        """One line; the note says when the cap applied."""
        assert quantity is not None
        full = self.amount * quantity
        note = f"capped at {format_pln(self.cap)}" if full > self.cap else None
        return [Charge(quantity=quantity, unit_grosze=self.amount,
                       amount_grosze=min(full, self.cap), note=note)]  # fmt: skip


class FlatItem(Strict):
    """One amount per document (a certificate)."""

    kind: Literal["flat"]
    title: Text
    amount: Grosze
    verified: bool = True
    per: None = None

    def price(self, quantity: int | None, medium: Medium) -> list[Charge]:
        """A single line of the amount."""
        return [Charge(quantity=1, unit_grosze=self.amount, amount_grosze=self.amount)]


FeeItem = Annotated[PerUnitItem | TieredItem | CappedItem | FlatItem, Field(discriminator="kind")]


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
