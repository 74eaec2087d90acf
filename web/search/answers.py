"""Search results and refusals in the page language: the one table from codes to texts.

``geoportal.search`` names why it found nothing or refused a text with a code
(``outside_county``, ``too_long``…); the texts are ``search_msg_<code>`` in strings.yaml.
"""

from __future__ import annotations

from typing import Any

from flask import url_for

from geoportal.crs import STORAGE_EPSG
from geoportal.search.finder import Answer, Result

# A result's context roles (geoportal.search.finder.Result.context) → strings.yaml keys.
CONTEXT_KEYS = {
    "obreb": "search_ctx_obreb",
    "gmina": "search_ctx_gmina",
    "parcel": "search_ctx_parcel",
    "id": "search_ctx_id",
    "crs": "search_ctx_crs",
    "postcode": "search_ctx_postcode",
    "sheet": "search_ctx_sheet",
}


def message(code: str | None, texts: dict[str, str]) -> dict[str, str] | None:
    """``{"code", "text"}`` of a search message, or None."""
    if code is None:
        return None
    return {"code": code, "text": texts.get(f"search_msg_{code}", texts["search_msg_not_found"])}


def context_text(result: Result, texts: dict[str, str]) -> str:
    """The result's context in words: ``obręb 0004 Łask 1 Śródmieście · gmina Łask``."""
    return " · ".join(f"{texts[CONTEXT_KEYS[role]]} {value}" for role, value in result.context)


def result_json(result: Result, texts: dict[str, str], lang: str) -> dict[str, Any]:
    """One result as the viewer reads it; ``href`` is its text-only parcel page, if any."""
    href = (
        url_for("parcel_pages.parcel_page", parcel_id=result.parcel_id, lang=lang)
        if result.parcel_id
        else None
    )
    return {
        "kind": result.kind,
        "kind_label": texts[f"search_kind_{result.kind}"],
        "id": result.id,
        "label": result.label,
        "context": context_text(result, texts),
        "point": [round(result.point[0], 2), round(result.point[1], 2)],
        "bbox": [round(v, 2) for v in result.bbox] if result.bbox else None,
        "parcel_id": result.parcel_id,
        "href": href,
    }


def answer_json(query: str, answer: Answer, texts: dict[str, str], lang: str) -> dict[str, Any]:
    """The whole answer of ``/api/search``."""
    return {
        "query": query,
        "crs": f"EPSG:{STORAGE_EPSG}",
        "count": len(answer.results),
        "results": [result_json(result, texts, lang) for result in answer.results],
        "message": message(answer.message, texts),
    }
