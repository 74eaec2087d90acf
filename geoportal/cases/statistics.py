"""Public statistics of e-service cases (BIP): counts and handling times per month.

What the law makes public about the office's work — how many requests of each kind came
in, how many were settled, how long it took against the deadline — and nothing about
anyone: aggregates per month and e-service only, computed from the audit trail's times
(the moment a case reached its final state), never from the submissions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import psycopg

from geoportal.cases.calendar import OFFICE_TZ

FINAL_STATES = ("document_issued", "refused", "closed")

# One row per (month of submission, e-service): received, settled, settled within the
# deadline, still open past it, and the median days from submission to settlement.
_STATISTICS = """
WITH settled AS (
    SELECT case_id, min(at) AS at FROM cases.audit_event
     WHERE to_state = ANY(%(final)s) GROUP BY case_id
)
SELECT to_char(c.submitted_at AT TIME ZONE %(tz)s, 'YYYY-MM') AS month,
       c.service,
       count(*) AS received,
       count(s.at) AS settled,
       count(*) FILTER (WHERE s.at IS NOT NULL AND c.deadline IS NOT NULL
                        AND (s.at AT TIME ZONE %(tz)s)::date <= c.deadline) AS within_deadline,
       count(*) FILTER (WHERE s.at IS NULL AND c.deadline < %(today)s) AS overdue_open,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY
           extract(epoch FROM s.at - c.submitted_at) / 86400) AS median_days
  FROM cases.case_file c
  LEFT JOIN settled s ON s.case_id = c.id
 WHERE c.submitted_at >= %(since)s
 GROUP BY 1, 2
 ORDER BY 1, 2
"""


@dataclass(frozen=True)
class MonthStatistics:
    """One month and e-service: the counts and the median handling time in days."""

    month: str  # YYYY-MM, office time
    service: str
    received: int
    settled: int
    within_deadline: int
    overdue_open: int
    median_days: float | None


def monthly_statistics(
    conn: psycopg.Connection, since: dt.date, today: dt.date | None = None
) -> list[MonthStatistics]:
    """The statistics of cases submitted from ``since`` on, by month and e-service."""
    today = today or dt.datetime.now(OFFICE_TZ).date()
    params = {"final": list(FINAL_STATES), "tz": str(OFFICE_TZ), "today": today, "since": since}
    with conn.transaction():
        rows = conn.execute(_STATISTICS, params).fetchall()
    return [
        MonthStatistics(month, service, received, settled, within, overdue,
                        None if median is None else round(float(median), 1))
        for month, service, received, settled, within, overdue, median in rows
    ]  # fmt: skip
