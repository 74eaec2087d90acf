"""The roles of people and programs that act on cases.

Staff roles are stored on staff accounts (``auth.staff_user.roles``); ``citizen`` and
``system`` are never stored: the web layer acts as ``citizen`` for whoever holds a case's
tracking token, and background jobs (payment notices, automatic registration) as
``system``. A department is the staff role that owns a kind of case.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """Who acts: a staff role, the applicant, or the system itself."""

    KANCELARIA = "kancelaria"  # the registry office: registers, records payments
    GEODESY = "geodesy"  # the geodesy department (PODGiK): EGiB extracts
    PLANNING = "planning"  # the planning department: MPZP / studium extracts
    ADMIN = "admin"  # may take every staff step
    CITIZEN = "citizen"  # the applicant, known by the case's tracking token
    SYSTEM = "system"  # background jobs


STAFF_ROLES: frozenset[Role] = frozenset({Role.KANCELARIA, Role.GEODESY, Role.PLANNING, Role.ADMIN})
"""The roles a staff account may hold."""

DEPARTMENTS: frozenset[Role] = frozenset({Role.KANCELARIA, Role.GEODESY, Role.PLANNING})
"""The roles that own kinds of case (an e-service names one)."""
