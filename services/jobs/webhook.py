"""The status webhook to the office's EZD: one signed POST per step of a case.

The body is the case mark, its state, the step and the time (no personal data); the
``X-Geoportal-Signature`` header is ``sha256=`` and the HMAC-SHA256 of the body under
the shared secret, so the EZD can tell our messages from forged ones. A failed POST
raises, and the job queue retries it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import requests

from geoportal.settings import Settings

SIGNATURE_HEADER = "X-Geoportal-Signature"
TIMEOUT_S = 10


def signature(secret: str, body: bytes) -> str:
    """The header value for ``body``: ``sha256=<hex>``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post_status(settings: Settings, event: dict[str, Any]) -> None:
    """POST one status event to the configured EZD; raise if it was not accepted."""
    if not settings.ezd_webhook_url:
        return
    body = json.dumps(event, ensure_ascii=False, sort_keys=True).encode()
    headers = {"Content-Type": "application/json"}
    if settings.ezd_webhook_secret:
        headers[SIGNATURE_HEADER] = signature(settings.ezd_webhook_secret, body)
    answer = requests.post(settings.ezd_webhook_url, data=body, headers=headers, timeout=TIMEOUT_S)
    answer.raise_for_status()
