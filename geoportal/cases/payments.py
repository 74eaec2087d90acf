"""Paying a case's fee: the fee-calculation document (DOO) and the payment gateways.

A county takes fees by bank transfer, and may add an online provider. Both are a
:class:`PaymentGateway`: it tells the applicant how to pay (:meth:`instruction`) and,
when it learns a payment arrived, the case steps to ``paid`` through the store with the
gateway as the actor. :class:`BankTransferGateway` is the one implemented: its DOO
names the payee and account from the site file, the amount from the case's quote and a
transfer title carrying the case mark, which is how the office matches the statement;
staff (kancelaria) confirm the receipt in the console. An online provider would
implement the same interface (and call :func:`record_payment` from its callback).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

import psycopg

from geoportal.cases import store
from geoportal.cases.actors import Actor
from geoportal.cases.calendar import OFFICE_TZ, default_calendar
from geoportal.cases.states import State
from geoportal.site import FeeAccount

PAYMENT_DAYS = 14  # working days the DOO gives to pay (UNVERIFIED: office practice)


@dataclass(frozen=True)
class PaymentInstruction:
    """What the applicant needs to pay: the DOO's content."""

    case_mark: str
    payee: str
    iban: str  # compact, PL + 26 digits
    bank: str | None
    amount_grosze: int
    title: str  # carries the case mark: how the statement is matched to the case
    issued_on: dt.date
    due_on: dt.date
    lines: tuple[tuple[str, int], ...]  # (item, grosze) from the quote

    @property
    def iban_grouped(self) -> str:
        """The account as printed: PLkk in groups of four."""
        return " ".join(self.iban[i : i + 4] for i in range(0, len(self.iban), 4))

    @property
    def amount(self) -> str:
        """The amount in złoty with a decimal comma (``123,45``)."""
        return f"{self.amount_grosze // 100},{self.amount_grosze % 100:02d}"


class PaymentGateway(Protocol):
    """One way of paying fees."""

    name: str

    def instruction(self, case: store.Case, today: dt.date | None = None) -> PaymentInstruction:
        """How to pay the case's fee."""
        ...


class BankTransferGateway:
    """Bank transfer to the county's account; the office confirms the statement."""

    name = "przelew"

    def __init__(self, account: FeeAccount):
        self.account = account

    def instruction(self, case: store.Case, today: dt.date | None = None) -> PaymentInstruction:
        if not case.fee_due:
            raise ValueError(f"case {case.mark} has no fee to pay")
        today = today or dt.datetime.now(OFFICE_TZ).date()
        quote = case.submission.fee
        return PaymentInstruction(
            case_mark=str(case.mark),
            payee=self.account.payee,
            iban=self.account.iban,
            bank=self.account.bank,
            amount_grosze=case.fee_total_grosze,
            title=f"Opłata {case.mark} {case.service}"[:140],
            issued_on=today,
            due_on=default_calendar().add_working_days(today, PAYMENT_DAYS),
            lines=tuple((line.title.pl, line.amount_grosze) for line in quote.lines),
        )


def record_payment(conn: psycopg.Connection, case_id: int, gateway: str) -> store.Case:
    """A gateway learned the fee was paid: the case steps to ``paid`` in its name."""
    return store.transition(
        conn, case_id, State.PAID, Actor.system("payments"), f"bramka {gateway}"
    )
