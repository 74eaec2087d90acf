"""UI texts of the viewer pages in Polish (first) and English, and the page language.

The texts live in ``strings.yaml`` beside this module: one key, one ``pl`` and one ``en``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from flask import Request

from geoportal.crs import STORAGE_EPSG
from geoportal.site import Site

LANGUAGES = ("pl", "en")
DEFAULT_LANGUAGE = "pl"
LOCALES = {"pl": "pl-PL", "en": "en-GB"}
STRINGS_FILE = Path(__file__).with_name("strings.yaml")


def page_language(request: Request) -> str:
    """``?lang=`` when it names a language we have, else Accept-Language, else Polish.

    Anything else in ``lang`` is ignored, so it never reaches the page.
    """
    asked = request.args.get("lang", "")
    if asked in LANGUAGES:
        return asked
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT_LANGUAGE)


@cache
def _catalogue() -> dict[str, dict[str, str]]:
    raw = yaml.safe_load(STRINGS_FILE.read_text(encoding="utf-8"))
    for key, texts in raw.items():
        if not isinstance(texts, dict) or set(texts) != set(LANGUAGES):
            raise ValueError(f"{STRINGS_FILE.name}: {key!r} needs exactly {LANGUAGES}")
    return raw


def strings(language: str, site: Site) -> dict[str, str]:
    """Every UI text in one language, with the site's examples filled in."""
    values = {
        "{parcel_example}": site.parcel_example,
        "{seat}": site.county.seat,
        "{coordinates_example}": _coordinates_example(tuple(site.extent)),
    }
    return {key: _fill(texts[language], values) for key, texts in _catalogue().items()}


@cache
def _coordinates_example(extent: tuple[float, ...]) -> str:
    """The centre of the county's extent in WGS 84, latitude first: ``51.59, 19.13``."""
    from pyproj import Transformer  # only where texts are built, not at import

    x, y = (extent[0] + extent[2]) / 2, (extent[1] + extent[3]) / 2
    lon, lat = Transformer.from_crs(STORAGE_EPSG, 4326, always_xy=True).transform(x, y)
    return f"{lat:.2f}, {lon:.2f}"


def _fill(text: str, values: dict[str, str]) -> str:
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    return text
