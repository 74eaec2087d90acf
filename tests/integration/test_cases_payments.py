"""Paying fees: the DOO a citizen sees, and a gateway recording the payment."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from geoportal.cases import audit, store
from geoportal.cases.actors import Actor
from geoportal.cases.payments import BankTransferGateway, record_payment
from geoportal.cases.states import State
from geoportal.cases.tokens import new_idempotency_key
from geoportal.site import FeeAccount
from tests.integration.cases_support import request
from web.app import create_flask_app

SYSTEM = Actor.system("registration")
SERVICE = "egib_register_extract_anonymous"


def _awaiting_payment(database):
    with database.connect("app") as conn:
        done = store.submit(conn, request(SERVICE), new_idempotency_key())
        store.transition(conn, done.case.id, State.REGISTERED, SYSTEM)
        case = store.transition(conn, done.case.id, State.AWAITING_PAYMENT, SYSTEM)
    return case, done.tracking_token


@pytest.mark.parametrize(
    ("iban", "valid"),
    [("PL83 0000 0000 0000 0000 0000 1003", True), ("PL84 0000 0000 0000 0000 0000 1003", False),
     ("DE89370400440532013000", False), ("PL83 0000", False)],
)  # fmt: skip
def test_the_account_is_checked_by_mod_97(iban, valid):
    if valid:
        assert FeeAccount(payee="Starostwo", iban=iban).iban == iban.replace(" ", "")
    else:
        with pytest.raises(ValidationError):
            FeeAccount(payee="Starostwo", iban=iban)


def test_the_doo_carries_the_amount_the_account_and_the_case_mark(database, site):
    case, _ = _awaiting_payment(database)
    doo = BankTransferGateway(site.fees_account).instruction(case, dt.date(2026, 12, 18))
    assert doo.amount_grosze == case.fee_total_grosze > 0
    assert str(case.mark) in doo.title and doo.iban == site.fees_account.iban
    # From Fri 18.12: 21-23 (3), 24-27 off, 28-31 (7), 1-3 off, 4-5 (9), 6 off, 7-8 (11),
    # 9-10 off, 11-13 (14): Christmas Eve, New Year and Epiphany are holidays.
    assert doo.due_on == dt.date(2027, 1, 13)
    assert sum(grosze for _, grosze in doo.lines) == doo.amount_grosze


def test_the_citizen_sees_the_doo_only_while_the_fee_is_due(database, instance):
    case, token = _awaiting_payment(database)
    client = create_flask_app(instance).test_client()
    assert f"/sprawy/{token}/oplata" in client.get(f"/sprawy/{token}").get_data(as_text=True)
    page = client.get(f"/sprawy/{token}/oplata").get_data(as_text=True)
    assert str(case.mark) in page and "PL83 0000 0000 0000 0000 0000 1003" in page
    with database.connect("app") as conn:
        paid = record_payment(conn, case.id, "przelew")
        assert paid.state == State.PAID
        event = audit.history(conn, case.id)[-1]
    assert event.actor == "system:payments" and "przelew" in (event.reason or "")
    assert client.get(f"/sprawy/{token}/oplata").status_code == 404
