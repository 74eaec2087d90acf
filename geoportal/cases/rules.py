"""The case system's rules as one object: e-services, fees and the holiday calendar.

Built once by whoever composes the application (or :func:`default_rules` for the
committed data files) and handed to the store. Loading checks what ties the files
together: every e-service's fee schedule exists in the fee data.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from geoportal.cases.calendar import Calendar, default_calendar
from geoportal.cases.errors import RulesError
from geoportal.cases.eservices import EServiceRegistry, default_registry
from geoportal.cases.fees import FeeRules, default_fee_rules


@dataclass(frozen=True)
class CaseRules:
    """E-services, fees and calendar, checked against each other."""

    services: EServiceRegistry
    fees: FeeRules
    calendar: Calendar

    def __post_init__(self) -> None:
        for key, service in self.services.services.items():
            if service.fee not in self.fees.schedules:
                raise RulesError(f"e-service {key!r}: fee schedule {service.fee!r} is not in fees")


@cache
def default_rules() -> CaseRules:
    """The rules of the committed data files (read once, on first use)."""
    return CaseRules(default_registry(), default_fee_rules(), default_calendar())
