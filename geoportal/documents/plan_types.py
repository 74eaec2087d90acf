"""The groups of planning acts the documents read (``plan_types.yaml``): local plans, studium.

The codes are APP ``typPlanu`` values as the loader stores them in ``data.plan.plan_type``;
the file says where each comes from and which were not verified.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from geoportal.cases.datafile import Strict, load_model

PLAN_TYPES_FILE = Path(__file__).with_name("plan_types.yaml")
PlanGroup = Literal["local_plan", "studium"]


class PlanTypeGroup(Strict):
    """The typPlanu codes of one group, with their source."""

    codes: tuple[str, ...]
    source: str


class PlanTypes(Strict):
    """Every group by name."""

    groups: dict[PlanGroup, PlanTypeGroup]


@cache
def plan_codes(group: PlanGroup) -> tuple[str, ...]:
    """The ``plan_type`` codes of ``group`` (the committed file, read once)."""
    return load_model(PLAN_TYPES_FILE, PlanTypes).groups[group].codes
