"""The registry of e-services: what each request is, who handles it, its fee and deadline.

The registry is data (``eservices.yaml``), validated with one pydantic schema: unknown
keys are refused, each service's JRWA class must be listed with its source (only 6640
is verified, domain reference §5), its unit must be a valid case-mark unit, and its fee
schedule must exist in the fee data (checked by :class:`geoportal.cases.rules.CaseRules`,
which holds both).

Decisions
    * ``personal_data`` implies that staff must accept a legal interest before the case
      goes on (PGiK art. 24 ust. 5): the state machine reads it as a fact of the case.
    * A case keeps a snapshot of what its service said when it was submitted (unit, JRWA,
      department, legal interest, document, deadline), so editing this file later does not
      change cases already in the office.
    * A service with ``routes`` (reports from the map) sends each category of report to
      the department that keeps that data, with that department's unit and JRWA class:
      :meth:`EService.routed` gives the service as the case records it.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from geoportal.auth.roles import Role
from geoportal.cases.calendar import DeadlineRule
from geoportal.cases.datafile import HERE, Strict, load_model
from geoportal.cases.errors import MarkError, SubmissionError
from geoportal.cases.marks import check_jrwa, check_unit
from geoportal.text import Text

ESERVICES_FILE = HERE / "eservices.yaml"
_KEY = re.compile(r"[a-z][a-z0-9_]{1,62}")
Department = Literal["kancelaria", "geodesy", "planning"]
Need = Literal["parcels", "location"]


def _valid_unit(value: str) -> str:
    try:
        return check_unit(value)
    except MarkError as exc:
        raise ValueError(str(exc)) from None


def _valid_jrwa(value: str) -> str:
    try:
        return check_jrwa(value)
    except MarkError as exc:
        raise ValueError(str(exc)) from None


UnitCode = Annotated[str, AfterValidator(_valid_unit)]
JrwaCode = Annotated[str, AfterValidator(_valid_jrwa)]


class JrwaClass(Strict):
    """A class of the office's list of files (JRWA), with where the number comes from."""

    title: Text
    verified: bool
    source: str


class Route(Strict):
    """Who handles one category of report: the case mark's unit and JRWA class, the department."""

    title: Text
    unit: UnitCode
    jrwa: JrwaCode
    department: Department
    source: str


class EService(Strict):
    """One e-service as configured."""

    title: Text
    unit: UnitCode
    jrwa: JrwaCode
    department: Department
    personal_data: bool
    fee: str = Field(description="a schedule key in fees.yaml")
    deadline: DeadlineRule | None
    issues_document: bool = True
    needs: tuple[Need, ...] = ()
    routes: dict[str, Route] = Field(default_factory=dict)

    @property
    def requires_legal_interest(self) -> bool:
        """Whether staff must accept the applicant's legal interest (personal data)."""
        return self.personal_data

    @property
    def department_role(self) -> Role:
        """The staff role that handles these cases."""
        return Role(self.department)

    def routed(self, category: str | None) -> EService:
        """The service as a case of ``category`` records it (its route's unit, JRWA class and
        department); itself for a service without routes. :class:`SubmissionError` for a
        category the service does not have, or one it does not ask for."""
        if not self.routes:
            if category is not None:
                raise SubmissionError("this service takes no category")
            return self
        route = self.routes.get(category or "")
        if route is None:
            raise SubmissionError(f"choose one of the categories: {', '.join(self.routes)}")
        update = {"unit": route.unit, "jrwa": route.jrwa, "department": route.department}
        return self.model_copy(update=update)


class EServiceRegistry(Strict):
    """Every e-service by key, and the JRWA classes they use."""

    jrwa_classes: dict[str, JrwaClass]
    services: dict[str, EService]

    @model_validator(mode="after")
    def _references(self) -> EServiceRegistry:
        for key, service in self.services.items():
            if not _KEY.fullmatch(key):
                raise ValueError(f"service key {key!r}: lower-case letters, digits and _")
            for jrwa in {service.jrwa} | {route.jrwa for route in service.routes.values()}:
                if jrwa not in self.jrwa_classes:
                    raise ValueError(f"service {key!r}: JRWA class {jrwa} is not listed")
        return self

    @classmethod
    def load(cls, path: Path = ESERVICES_FILE) -> EServiceRegistry:
        """The registry of an e-service file (:class:`RulesError` if it is not valid)."""
        return load_model(path, cls)

    def get(self, key: str) -> EService:
        """The e-service ``key``; :class:`SubmissionError` if there is none."""
        try:
            return self.services[key]
        except KeyError:
            raise SubmissionError(f"unknown e-service {key!r}") from None


@cache
def default_registry() -> EServiceRegistry:
    """The registry of the committed ``eservices.yaml`` (read once, on first use)."""
    return EServiceRegistry.load()
