"""Search results and refusals in the page language: the one table from codes to texts.

``geoportal.search`` names why it found nothing or refused a text with a code
(``outside_county``, ``too_long``…); its text is the msgid ``MESSAGE_TEXTS[code]``.
"""

from __future__ import annotations

from typing import Any

from flask import url_for

from geoportal.crs import STORAGE_EPSG
from geoportal.search.finder import Answer, Result
from web.language import N_, gettext

# A result's context roles (geoportal.search.finder.Result.context) → msgids.
CONTEXT_KEYS = {
    "obreb": N_("search_ctx_obreb"),
    "gmina": N_("search_ctx_gmina"),
    "parcel": N_("search_ctx_parcel"),
    "id": N_("search_ctx_id"),
    "crs": N_("search_ctx_crs"),
    "postcode": N_("search_ctx_postcode"),
    "sheet": N_("search_ctx_sheet"),
}
# A result's kind (geoportal.search.finder.Result.kind) → msgid.
KIND_TEXTS = {
    "parcel": N_("search_kind_parcel"),
    "obreb": N_("search_kind_obreb"),
    "gmina": N_("search_kind_gmina"),
    "address": N_("search_kind_address"),
    "coordinate": N_("search_kind_coordinate"),
}
# A message or refusal code → msgid; a code without one reads "nothing found".
MESSAGE_TEXTS = {
    "not_found": N_("search_msg_not_found"),
    "outside_county": N_("search_msg_outside_county"),
    "number_only": N_("search_msg_number_only"),
    "no_words": N_("search_msg_no_words"),
    "too_short": N_("search_msg_too_short"),
    "empty": N_("search_msg_empty"),
    "too_long": N_("search_msg_too_long"),
    "control": N_("search_msg_control"),
    "bad_limit": N_("search_msg_bad_limit"),
    "not_coordinates": N_("search_msg_not_coordinates"),
    "unsupported_crs": N_("search_msg_unsupported_crs"),
    "crs_mismatch": N_("search_msg_crs_mismatch"),
    "unavailable": N_("search_msg_unavailable"),
    "parcel_not_found": N_("search_msg_parcel_not_found"),
}


def message(code: str | None) -> dict[str, str] | None:
    """``{"code", "text"}`` of a search message, or None."""
    if code is None:
        return None
    return {"code": code, "text": gettext(MESSAGE_TEXTS.get(code, MESSAGE_TEXTS["not_found"]))}


def kind_text(result: Result) -> str:
    """What the result is, in words: ``Działka``, ``Adres``…"""
    return gettext(KIND_TEXTS[result.kind])


def context_text(result: Result) -> str:
    """The result's context in words: ``obręb 0004 Łask 1 Śródmieście · gmina Łask``."""
    return " · ".join(f"{gettext(CONTEXT_KEYS[role])} {value}" for role, value in result.context)


def result_json(result: Result, lang: str) -> dict[str, Any]:
    """One result as the viewer reads it; ``href`` is its text-only parcel page, if any."""
    href = (
        url_for("parcel_pages.parcel_page", parcel_id=result.parcel_id, lang=lang)
        if result.parcel_id
        else None
    )
    return {
        "kind": result.kind,
        "kind_label": kind_text(result),
        "id": result.id,
        "label": result.label,
        "context": context_text(result),
        "point": [round(result.point[0], 2), round(result.point[1], 2)],
        "bbox": [round(v, 2) for v in result.bbox] if result.bbox else None,
        "parcel_id": result.parcel_id,
        "href": href,
    }


def answer_json(query: str, answer: Answer, lang: str) -> dict[str, Any]:
    """The whole answer of ``/api/search``."""
    return {
        "query": query,
        "crs": f"EPSG:{STORAGE_EPSG}",
        "count": len(answer.results),
        "results": [result_json(result, lang) for result in answer.results],
        "message": message(answer.message),
    }
