"""What every e-service and staff page shows, and the texts these pages pick at run time.

The templates name most texts literally (``_('fee_label')``), which extraction finds. A
case's state, a step's action, a delivery, a deadline's unit and an error page's status
are names from the data, looked up as ``_('state_' ~ case.state)``: their msgids are
declared here so extraction keeps them in the catalogue.
"""

from __future__ import annotations

from typing import Any

from flask import request

from web.instance import current_instance
from web.language import N_, page_language

STATE_TEXTS = (
    N_("state_submitted"),
    N_("state_registered"),
    N_("state_awaiting_legal_interest"),
    N_("state_awaiting_payment"),
    N_("state_paid"),
    N_("state_in_progress"),
    N_("state_document_issued"),
    N_("state_refused"),
    N_("state_closed"),
)
ACTION_TEXTS = (
    N_("action_register"),
    N_("action_refuse"),
    N_("action_await_legal_interest"),
    N_("action_request_payment"),
    N_("action_start"),
    N_("action_accept_legal_interest"),
    N_("action_refuse_legal_interest"),
    N_("action_record_payment"),
    N_("action_issue"),
    N_("action_close"),
    N_("action_withdraw"),
    N_("action_submit"),
    N_("action_grant_exemption"),
    N_("action_refuse_exemption"),
    N_("action_accept"),
    N_("action_notify_delay"),
    N_("action_assign"),
    N_("action_reassign"),
)
DELIVERY_TEXTS = (N_("delivery_electronic"), N_("delivery_post"), N_("delivery_collection"))
DEADLINE_TEXTS = (N_("deadline_days"), N_("deadline_working_days"), N_("deadline_months"))
STATUS_TEXTS = (
    N_("error_400"),
    N_("error_403"),
    N_("error_404"),
    N_("error_409"),
    N_("error_413"),
    N_("error_429"),
    N_("error_503"),
)


def page_context() -> dict[str, Any]:
    """What every page's template needs: the language, the other one, the county's name."""
    language = page_language(request)
    return {
        "lang": language,
        "other_lang": "en" if language == "pl" else "pl",
        "site_name": current_instance().site.label(language),
    }
