"""The e-mail an applicant gets when their case changes state (Polish, then English).

It names the case mark and the new state, and never the tracking link: the office keeps
only a hash of the token, and a link in a mail would be a second way in.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from geoportal.cases.store import Case

STATES_PL = {
    "submitted": "złożona", "registered": "zarejestrowana",
    "awaiting_legal_interest": "oczekuje na ocenę interesu prawnego",
    "awaiting_payment": "oczekuje na opłatę", "paid": "opłacona", "in_progress": "w realizacji",
    "document_issued": "dokument wydany", "refused": "odmowa", "closed": "zamknięta",
}  # fmt: skip


def state_notice(case: Case, office: str) -> tuple[str, str] | None:
    """(subject, body) of the notice of the case's current state; None without an e-mail."""
    if not case.submission.applicant.email:
        return None
    state = STATES_PL.get(str(case.state), str(case.state))
    body = (f"Sprawa {case.mark} ma nowy stan: {state}.\n"
            f"The case {case.mark} has a new state: {case.state}.\n\n"
            "Stan sprawy można sprawdzić odnośnikiem z potwierdzenia złożenia wniosku.\n"
            f"{office}\n")  # fmt: skip
    return f"Sprawa {case.mark}: {state}", body


def delay_notice(case: Case, new_date: dt.date, reason: str, office: str) -> tuple[str, str] | None:
    """(subject, body) of a delay notice (KPA art. 36); None without an e-mail."""
    if not case.submission.applicant.email:
        return None
    body = (f"Sprawa {case.mark} nie zostanie załatwiona w terminie.\n"
            f"Przyczyna: {reason}\nNowy termin: {new_date.isoformat()}.\n"
            f"(KPA art. 36) The case {case.mark} is delayed until {new_date.isoformat()}.\n\n"
            f"{office}\n")  # fmt: skip
    return f"Sprawa {case.mark}: zwłoka do {new_date.isoformat()}", body


def status_event(case: Case, action: str) -> dict[str, Any]:
    """What the office's EZD is told of a step: the mark, the state, the step, the time."""
    return {"case_mark": str(case.mark), "state": str(case.state), "action": action,
            "service": case.service, "at": case.state_changed_at.isoformat()}  # fmt: skip
