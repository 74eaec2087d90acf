"""Domain errors of the case system, one class per thing that can go wrong.

The web layer maps them to HTTP statuses in one table (conventions §8); nothing here
knows about HTTP. Every error is a :class:`CaseError`, so a caller can catch them all.
"""

from __future__ import annotations


class CaseError(Exception):
    """Any refusal of the case system; the message is written for staff and logs."""


class RulesError(CaseError):
    """A data file of the case system (e-services, fees, holidays) is not usable."""


class CalendarError(CaseError):
    """A date outside what the holiday data cover, or a deadline rule that cannot apply."""


class MarkError(CaseError, ValueError):
    """A case mark (znak sprawy) that is not ``UNIT.JRWA.SEQ.YEAR``."""


class FeeError(CaseError):
    """A fee cannot be computed: unknown item, missing quantity, no table for the date."""


class FeeMismatch(FeeError):
    """The quote a client sent is not the one the server computes: refused, never repaired."""


class SubmissionError(CaseError):
    """A submission breaks a rule of its e-service (e.g. no legal-interest justification)."""


class IdempotencyConflict(CaseError):
    """The idempotency key was already used for a different submission."""


class CaseNotFound(CaseError):
    """No case with that id."""


class TransitionError(CaseError):
    """A state change the state machine refuses."""


class IllegalTransition(TransitionError):
    """No edge from the current state to the requested one, or its condition does not hold."""


class NotPermitted(TransitionError):
    """The edge exists but the actor's roles may not take it."""


class ReasonRequired(TransitionError):
    """The edge needs a written reason (refusals) and none was given."""


class AssignmentError(CaseError):
    """A case cannot go to that staff member: no such active account, or the wrong role."""


class AttachmentMissing(CaseError):
    """A case's attachment the store cannot give back as it was filed (gone, or changed)."""
