"""Texts of the e-service and staff pages (``strings.yaml`` here) and what every page shows.

The page chrome (``viewer/base.html``) reads the viewer's texts; these are added to them.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml
from flask import request

from web.instance import current_instance
from web.viewer.texts import LANGUAGES, page_language
from web.viewer.texts import strings as viewer_strings

STRINGS_FILE = Path(__file__).with_name("strings.yaml")


@cache
def _catalogue() -> dict[str, dict[str, str]]:
    raw = yaml.safe_load(STRINGS_FILE.read_text(encoding="utf-8"))
    for key, texts in raw.items():
        if not isinstance(texts, dict) or set(texts) != set(LANGUAGES):
            raise ValueError(f"{STRINGS_FILE.name}: {key!r} needs exactly {LANGUAGES}")
    return raw


def texts(language: str) -> dict[str, str]:
    """Every text of these pages (and the viewer's) in one language."""
    site = current_instance().site
    ours = {key: value[language].replace("{parcel_example}", site.parcel_example)
            for key, value in _catalogue().items()}  # fmt: skip
    return viewer_strings(language, site) | ours


def page_context() -> dict[str, Any]:
    """What every page's template needs: language, texts, the county's name."""
    language = page_language(request)
    return {
        "lang": language,
        "other_lang": "en" if language == "pl" else "pl",
        "t": texts(language),
        "site_name": current_instance().site.label(language),
    }
