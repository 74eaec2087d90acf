"""The text-only parcel pages: ``/dzialka?q=…`` (search) and ``/dzialka/<id>`` (the card).

Plain HTML, no map and no script: a form, a list of links, tables with captions. They
serve people using screen readers or keyboards, slow connections, and anyone who wants a
parcel's data without a map. The card reads public views only (geoportal.cadastre.card).
"""

from __future__ import annotations

from decimal import Decimal

import psycopg
from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from geoportal.cadastre.card import read_card
from geoportal.cadastre.identifiers import IdentifierError, is_parcel_id, parse_parcel_id
from geoportal.database import DatabaseUnavailable
from geoportal.search.parsing import QueryError, read_id
from services.edge.failures import unavailable
from web.instance import current_instance
from web.search.answers import context_text, message
from web.search.api import finder
from web.viewer.texts import page_language, strings

parcel_pages = Blueprint("parcel_pages", __name__)
PAGE_LIMIT = 50


@parcel_pages.context_processor
def _site_name() -> dict[str, str]:
    """Every page names the county (and says when its data are a demonstration)."""
    return {"site_name": current_instance().site.label(page_language(request))}


@parcel_pages.get("/dzialka")
def search_page() -> ResponseReturnValue:
    """The search form, and the results of ``q`` as links."""
    lang, texts = _language()
    query = request.args.get("q", "")
    results, note, status = [], None, 200
    if query.strip():
        try:
            answer = finder().search(query, PAGE_LIMIT)
            results = [
                {
                    "kind": texts[f"search_kind_{r.kind}"],
                    "label": r.label,
                    "context": context_text(r, texts),
                    "href": _result_href(r.kind, r.id, r.parcel_id, lang),
                }
                for r in answer.results
            ]
            note = message(answer.message, texts)
        except QueryError as error:
            note, status = message(error.code, texts), 400
        except (DatabaseUnavailable, psycopg.OperationalError):
            return _unavailable(lang, texts)
    html = render_template(
        "search/parcel_search.html", **_page(lang, texts), query=query.strip(), results=results,
        note=note, searched=bool(query.strip()),
    )  # fmt: skip
    return html, status


@parcel_pages.get("/dzialka/<path:parcel_id>")
def parcel_page(parcel_id: str) -> ResponseReturnValue:
    """One parcel's public data; 400 for a malformed id (saying why), 404 for an unknown one."""
    lang, texts = _language()
    if not is_parcel_id(parcel_id):
        lenient = read_id(parcel_id) if len(parcel_id) <= 200 else None
        if lenient is not None and lenient.exact:
            return redirect(url_for(".parcel_page", parcel_id=lenient.text, lang=lang), 301)
        try:
            parse_parcel_id(parcel_id[:200])
            reason = ""
        except IdentifierError as error:
            reason = str(error)
        return _error(lang, texts, 400, texts["parcel_page_malformed"], reason, parcel_id)
    try:
        with current_instance().database.pool("public").connection() as conn:
            card = read_card(conn, parcel_id)
    except (DatabaseUnavailable, psycopg.OperationalError):
        return _unavailable(lang, texts)
    if card is None:
        return _error(lang, texts, 404, texts["parcel_page_unknown"], "", parcel_id)
    html = render_template(
        "search/parcel_card.html", **_page(lang, texts), card=card,
        number=lambda value, digits: _number(value, digits, lang),
        map_href=url_for("viewer.viewer_page", lang=lang, parcel=card.parcel_id),
    )  # fmt: skip
    return html


def _language() -> tuple[str, dict[str, str]]:
    lang = page_language(request)
    return lang, strings(lang, current_instance().site)


def _page(lang: str, texts: dict[str, str]) -> dict[str, object]:
    return {"lang": lang, "other_lang": "en" if lang == "pl" else "pl", "t": texts}


def _result_href(kind: str, result_id: str, parcel_id: str | None, lang: str) -> str | None:
    if parcel_id:
        return url_for(".parcel_page", parcel_id=parcel_id, lang=lang)
    if kind in ("obreb", "gmina"):
        return url_for(".search_page", q=result_id, lang=lang)
    return None


def _number(value: object, digits: int, lang: str) -> str:
    """A number with a fixed count of decimals, with a decimal comma in Polish."""
    if value is None:
        return "–"
    text = f"{Decimal(str(value)):,.{digits}f}".replace(",", "\u00a0")
    return text.replace(".", ",") if lang == "pl" else text


def _error(
    lang: str, texts: dict[str, str], status: int, title: str, reason: str, asked: str
) -> tuple[str, int]:
    html = render_template(
        "search/parcel_error.html", **_page(lang, texts), status=status, title=title,
        reason=reason, asked=asked[:200],
    )  # fmt: skip
    return html, status


def _unavailable(lang: str, texts: dict[str, str]) -> ResponseReturnValue:
    refusal = unavailable()
    html, status = _error(
        lang, texts, refusal.answer.status, texts["search_msg_unavailable"], "", ""
    )
    return html, status, refusal.headers()
