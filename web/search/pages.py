"""The text-only parcel pages: ``/dzialka?q=…`` (search) and ``/dzialka/<id>`` (the card).

Plain HTML, no map and no script: a form, a list of links, tables with captions. They
serve people using screen readers or keyboards, slow connections, and anyone who wants a
parcel's data without a map. The card reads public views only (geoportal.cadastre.card).
"""

from __future__ import annotations

import psycopg
from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from geoportal.cadastre.card import read_card
from geoportal.cadastre.identifiers import IdentifierError, is_parcel_id, parse_parcel_id
from geoportal.database import DatabaseUnavailable
from geoportal.search.parsing import QueryError, read_id
from services.edge.failures import unavailable
from web.instance import current_instance
from web.language import gettext, page_language
from web.search.answers import context_text, kind_text, message
from web.search.api import finder

parcel_pages = Blueprint("parcel_pages", __name__)
PAGE_LIMIT = 50


@parcel_pages.context_processor
def _site_name() -> dict[str, str]:
    """Every page names the county (and says when its data are a demonstration)."""
    return {"site_name": current_instance().site.label(page_language(request))}


@parcel_pages.get("/dzialka")
def search_page() -> ResponseReturnValue:
    """The search form, and the results of ``q`` as links."""
    lang = page_language(request)
    query = request.args.get("q", "")
    results, note, status = [], None, 200
    if query.strip():
        try:
            answer = finder().search(query, PAGE_LIMIT)
            results = [
                {
                    "kind": kind_text(r),
                    "label": r.label,
                    "context": context_text(r),
                    "href": _result_href(r.kind, r.id, r.parcel_id, lang),
                }
                for r in answer.results
            ]
            note = message(answer.message)
        except QueryError as error:
            note, status = message(error.code), 400
        except (DatabaseUnavailable, psycopg.OperationalError):
            return _unavailable(lang)
    html = render_template(
        "search/parcel_search.html", **_page(lang), query=query.strip(), results=results,
        note=note, searched=bool(query.strip()),
    )  # fmt: skip
    return html, status


@parcel_pages.get("/dzialka/<path:parcel_id>")
def parcel_page(parcel_id: str) -> ResponseReturnValue:
    """One parcel's public data; 400 for a malformed id (saying why), 404 for an unknown one."""
    lang = page_language(request)
    if not is_parcel_id(parcel_id):
        lenient = read_id(parcel_id) if len(parcel_id) <= 200 else None
        if lenient is not None and lenient.exact:
            # No ``lang`` of its own: a chosen one is carried by web.language, and a permanent
            # redirect must not fix the language Accept-Language negotiated for one browser.
            return redirect(url_for(".parcel_page", parcel_id=lenient.text), 301)
        try:
            parse_parcel_id(parcel_id[:200])
            reason = ""
        except IdentifierError as error:
            reason = str(error)
        return _error(lang, 400, gettext("parcel_page_malformed"), reason, parcel_id)
    try:
        with current_instance().database.pool("public").connection() as conn:
            card = read_card(conn, parcel_id)
    except (DatabaseUnavailable, psycopg.OperationalError):
        return _unavailable(lang)
    if card is None:
        return _error(lang, 404, gettext("parcel_page_unknown"), "", parcel_id)
    html = render_template(
        "search/parcel_card.html", **_page(lang), card=card,
        map_href=url_for("viewer.viewer_page", lang=lang, parcel=card.parcel_id),
    )  # fmt: skip
    return html


def _page(lang: str) -> dict[str, object]:
    return {"lang": lang, "other_lang": "en" if lang == "pl" else "pl"}


def _result_href(kind: str, result_id: str, parcel_id: str | None, lang: str) -> str | None:
    if parcel_id:
        return url_for(".parcel_page", parcel_id=parcel_id, lang=lang)
    if kind in ("obreb", "gmina"):
        return url_for(".search_page", q=result_id, lang=lang)
    return None


def _error(lang: str, status: int, title: str, reason: str, asked: str) -> tuple[str, int]:
    html = render_template(
        "search/parcel_error.html", **_page(lang), status=status, title=title,
        reason=reason, asked=asked[:200],
    )  # fmt: skip
    return html, status


def _unavailable(lang: str) -> ResponseReturnValue:
    refusal = unavailable()
    html, status = _error(lang, refusal.answer.status, gettext("search_msg_unavailable"), "", "")
    return html, status, refusal.headers()
