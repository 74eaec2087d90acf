"""What the e-service web tests share: a Flask client on the real database, form tokens."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient

_HIDDEN = re.compile(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">')
APPLICANT = {
    "name": "Józefa Żółć",
    "street": "ul. Łąkowa 3",
    "postcode": "98-100",
    "city": "Łask",
    "email": "jozefa@example.pl",
    "phone": "+48 43 675 00 00",
    "delivery": "electronic",
    "consent": "yes",
}


def hidden_fields(html: str) -> dict[str, str]:
    """The hidden inputs of a page (the last one of each name), HTML entities undone."""
    import html as html_module

    return {name: html_module.unescape(value) for name, value in _HIDDEN.findall(html)}


def open_form(client: FlaskClient, key: str, query: str = "") -> dict[str, str]:
    """GET the form of ``key``: its hidden fields (the CSRF token)."""
    page = client.get(f"/e-uslugi/{key}{query}")
    assert page.status_code == 200
    return hidden_fields(page.get_data(as_text=True))


def review(client: FlaskClient, key: str, fields: dict[str, Any]) -> Any:
    """Open the form and POST it for review."""
    tokens = open_form(client, key)
    return client.post(f"/e-uslugi/{key}", data=tokens | fields)


def file_from_review(client: FlaskClient, key: str, review_html: str, **extra: Any) -> Any:
    """POST the review page's hidden form (plus ``extra`` fields or files) to file it."""
    fields: dict[str, Any] = hidden_fields(review_html) | extra
    return client.post(f"/e-uslugi/{key}/zloz", data=fields, content_type="multipart/form-data")
