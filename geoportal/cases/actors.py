"""Who acts on a case: a staff member with roles, the applicant, or the system.

The audit trail records an actor as its :attr:`Actor.label` (``staff:jkowalska``,
``citizen``, ``system:payments``); the state machine reads its roles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from geoportal.auth.roles import STAFF_ROLES, Role

_NAME = re.compile(r"[a-z][a-z0-9._-]{0,62}")
ActorKind = Literal["staff", "citizen", "system"]


@dataclass(frozen=True)
class Actor:
    """One actor; build it with :meth:`staff`, :meth:`citizen` or :meth:`system`."""

    kind: ActorKind
    name: str
    roles: frozenset[Role]

    def __post_init__(self) -> None:
        if not _NAME.fullmatch(self.name):
            raise ValueError(f"actor name {self.name!r}: lower-case letters, digits, . _ -")
        expected = {"citizen": {Role.CITIZEN}, "system": {Role.SYSTEM}}.get(self.kind)
        if expected is not None and set(self.roles) != expected:
            raise ValueError(f"a {self.kind} acts only as {self.kind}")
        if self.kind == "staff" and (not self.roles or not self.roles <= STAFF_ROLES):
            raise ValueError(f"staff roles must be some of {sorted(STAFF_ROLES)}")

    @classmethod
    def staff(cls, login: str, roles: set[Role] | frozenset[Role] | list[Role]) -> Actor:
        """A signed-in staff member with the roles of their account."""
        return cls("staff", login, frozenset(Role(role) for role in roles))

    @classmethod
    def citizen(cls) -> Actor:
        """The applicant (whoever holds the case's tracking token)."""
        return cls("citizen", "citizen", frozenset({Role.CITIZEN}))

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        """A background job, named for the audit trail (``payments``, ``registration``)."""
        return cls("system", name, frozenset({Role.SYSTEM}))

    @property
    def label(self) -> str:
        """How the audit trail names the actor."""
        return "citizen" if self.kind == "citizen" else f"{self.kind}:{self.name}"
