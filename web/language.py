"""The page language and its texts: gettext catalogues served through Flask-Babel.

Polish is the default; English is available. The language of a page is ``?lang=`` when
it names one we have, else the browser's Accept-Language, else Polish
(:func:`page_language`, Flask-Babel's locale selector). Two rules hold for every answer
of the Flask app, whatever route wrote it (:func:`install`): a redirect keeps the ``lang``
the visitor chose (:func:`keep_chosen_language`), and an answer whose language was
negotiated from Accept-Language says so in ``Vary`` (:func:`page_language` marks it for
web/vary.py), so no shared cache hands one visitor's language to another.

The catalogues are ``web/translations/<lang>/LC_MESSAGES/messages.po``; see
``web/translations/README.md`` for why the msgids are keys (``search_label``) rather
than source sentences, and how to extract, update and compile them.

Every text is a Python %-format string that may name the county's examples:
``%(seat)s``, ``%(parcel_example)s``, ``%(coordinates_example)s``. :func:`gettext` fills
them (and any values the caller passes), in Python code and in templates alike, where
it is ``_``. Placeholders in braces (``{n}``, ``{title}``) are left to the viewer's
JavaScript, which fills them as it shows the text.
"""

from __future__ import annotations

from functools import cache
from gettext import NullTranslations
from pathlib import Path
from urllib.parse import parse_qs, urlsplit, urlunsplit

import flask_babel
from flask import Flask, Request, Response, g, request
from flask_babel import Babel

from geoportal.crs import STORAGE_EPSG
from geoportal.site import Site
from web.instance import current_instance
from web.vary import varies_on

LANGUAGES = ("pl", "en")
DEFAULT_LANGUAGE = "pl"
LOCALES = {"pl": "pl-PL", "en": "en-GB"}  # BCP 47 tags the browser's Intl formats with
TRANSLATIONS_DIR = Path(__file__).with_name("translations")


def page_language(request: Request) -> str:
    """``?lang=`` when it names a language we have, else Accept-Language, else Polish.

    Anything else in ``lang`` is ignored, so it never reaches the page.
    """
    asked = request.args.get("lang", "")
    if asked in LANGUAGES:
        return asked
    varies_on("Accept-Language")  # static files and the engines' tiles never ask
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT_LANGUAGE)


def chosen_language(request: Request) -> str | None:
    """The language the visitor chose with ``?lang=``, or None when none (or an unknown
    one) was chosen and the page follows the browser."""
    asked = request.args.get("lang", "")
    return asked if asked in LANGUAGES else None


def page_locale() -> str:
    """Babel's locale of the page (``pl_PL``, ``en_GB``): its texts fall back to the
    language's catalogue, its numbers and dates follow the country's custom."""
    return LOCALES[page_language(request)].replace("-", "_")


def install(app: Flask) -> None:
    """Give ``app`` Flask-Babel with our locale selector and ``_`` in every template."""
    Babel(
        app,
        locale_selector=page_locale,
        default_locale=DEFAULT_LANGUAGE,
        default_translation_directories=str(TRANSLATIONS_DIR),
        configure_jinja=False,  # its ``_`` would not fill the county's examples
    )
    missing = [
        po
        for po in TRANSLATIONS_DIR.glob("*/LC_MESSAGES/*.po")
        if not po.with_suffix(".mo").is_file()
    ]
    if missing:  # without them every page would show msgids instead of texts
        raise RuntimeError(f"{missing[0]} is not compiled: run scripts/bootstrap.sh")
    app.jinja_env.add_extension("jinja2.ext.i18n")
    # Not "newstyle": Jinja's own formatting would run on top of ours.
    app.jinja_env.install_gettext_callables(gettext, ngettext, newstyle=False)  # type: ignore[attr-defined]
    # ``_`` straight to gettext: the extension's alias resolves "gettext" in the template
    # context on every call, which made the services page 2x slower to render.
    app.jinja_env.globals.update(_=gettext, gettext_or=gettext_or)
    app.after_request(keep_chosen_language)


def keep_chosen_language(response: Response) -> Response:
    """Carry the chosen ``?lang=`` into a redirect to this site that does not name one.

    Routes build their redirects with plain ``url_for``; an English visitor filing a form
    would otherwise land on a Polish receipt. Redirects elsewhere, and ones that already
    name a language (a switch of language), are left as they are.
    """
    chosen = chosen_language(request)
    location = response.headers.get("Location")
    if chosen is None or location is None or not 300 <= response.status_code < 400:
        return response
    parts = urlsplit(location)
    on_this_site = parts.netloc in ("", request.host) and parts.scheme in ("", "http", "https")
    if not on_this_site or location.startswith("//") or "lang" in parse_qs(parts.query):
        return response
    query = f"{parts.query}&lang={chosen}" if parts.query else f"lang={chosen}"
    response.headers["Location"] = urlunsplit(parts._replace(query=query))
    return response


def gettext(key: str, **values: object) -> str:
    """The text of ``key`` in the page's language, the county's examples and ``values``
    filled in."""
    translations, examples = _page_texts()
    text = translations.gettext(key)
    # Most texts have no placeholder: formatting them would change nothing.
    return text % (examples | values) if "%" in text else text


def ngettext(singular: str, plural: str, n: int, **values: object) -> str:
    """Plural forms (for Jinja's ``{% trans %}`` blocks), filled like :func:`gettext`."""
    translations, examples = _page_texts()
    return translations.ngettext(singular, plural, n) % ({"num": n} | examples | values)


def _page_texts() -> tuple[NullTranslations, dict[str, str]]:
    """Flask-Babel's catalogue of the page's locale and the county's examples, looked up
    once per request: a page names some 250 texts, and each look-up through Flask-Babel
    walks its context proxies again (a third of the viewer page's rendering time)."""
    if "page_texts" not in g:
        g.page_texts = (flask_babel.get_translations(), site_examples(current_instance().site))
    page_texts: tuple[NullTranslations, dict[str, str]] = g.page_texts
    return page_texts


def N_(key: str) -> str:  # noqa: N802 - the name gettext's extractors look for
    """Mark a msgid chosen at run time (a state, an error code) so extraction finds it."""
    return key


def gettext_or(key: str, fallback: str) -> str:
    """The text of ``key``, or ``fallback`` when the catalogue has none (a name from the
    data, such as a step's action, that has a text only sometimes). gettext answers an
    unknown msgid with the msgid itself, and no text is its own msgid."""
    known = _page_texts()[0].gettext(key) != key
    return gettext(key) if known else fallback


def texts(keys: tuple[str, ...]) -> dict[str, str]:
    """Several texts at once, keyed by msgid: what the viewer's JavaScript looks up."""
    return {key: gettext(key) for key in keys}


def site_examples(site: Site) -> dict[str, str]:
    """The county's own examples the texts may name."""
    return {
        "seat": site.county.seat,
        "parcel_example": site.parcel_example,
        "coordinates_example": _coordinates_example(tuple(site.extent)),
    }


@cache
def _coordinates_example(extent: tuple[float, ...]) -> str:
    """The centre of the county's extent in WGS 84, latitude first: ``51.59, 19.13``."""
    from pyproj import Transformer  # only where texts are built, not at import

    x, y = (extent[0] + extent[2]) / 2, (extent[1] + extent[3]) / 2
    lon, lat = Transformer.from_crs(STORAGE_EPSG, 4326, always_xy=True).transform(x, y)
    return f"{lat:.2f}, {lon:.2f}"
