"""Display settings every page honours: high contrast and larger text.

Public-sector portals offer both (WCAG 2.1 AA asks for text resizable to 200 %; people
with low vision ask for contrast). They are links that set a cookie and return to the
page, and the page's ``<body>`` carries the classes (``<html>`` too: larger text scales
the root font size), so they work without JavaScript and on every page rendered from
``viewer/base.html``. Such a page says ``Vary: Cookie`` (web/vary.py), so a shared cache
does not hand one visitor's display to another. The way back is the Referer, and only
when it is this site: anything else goes to the start page (no open redirect).

The office's kiosk (``/kiosk``) is used by one visitor after another, so its settings are
its own: ``/kiosk/wyglad`` keeps them in a session cookie scoped to ``/kiosk`` (no expiry
date), the kiosk page reads only that one, and the kiosk's inactivity reset clears it
(``kontrast=0&tekst=0``) so the next visitor finds the default display.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Flask, redirect, request
from flask.typing import ResponseReturnValue

from web.vary import varies_on

display_blueprint = Blueprint("display", __name__)
SETTINGS = {"kontrast": "high-contrast", "tekst": "large-text"}  # parameter -> body class
COOKIE = "wyglad"
KIOSK_COOKIE = "wyglad_kiosk"
KIOSK_PATH = "/kiosk"
MAX_AGE_S = 365 * 24 * 3600


@display_blueprint.get("/wyglad")
def change() -> ResponseReturnValue:
    """Turn one setting on or off (``?kontrast=1`` / ``?tekst=0``) and go back."""
    response = redirect(_way_back("/"), 303)
    response.set_cookie(COOKIE, " ".join(_chosen(kiosk=False)), max_age=MAX_AGE_S,
                        httponly=True, samesite="Lax", secure=request.is_secure)  # fmt: skip
    return response


@display_blueprint.get(f"{KIOSK_PATH}/wyglad")
def kiosk_change() -> ResponseReturnValue:
    """The same for the kiosk, for this visitor only: a session cookie under ``/kiosk``,
    deleted when no setting is left on; the way back is always the kiosk."""
    back = _way_back(KIOSK_PATH)
    response = redirect(back if urlsplit(back).path == KIOSK_PATH else KIOSK_PATH, 303)
    chosen = _chosen(kiosk=True)
    if chosen:
        response.set_cookie(KIOSK_COOKIE, " ".join(chosen), path=KIOSK_PATH, httponly=True,
                            samesite="Lax", secure=request.is_secure)  # fmt: skip
    else:
        response.delete_cookie(KIOSK_COOKIE, path=KIOSK_PATH, httponly=True, samesite="Lax")
    return response


def _chosen(*, kiosk: bool) -> list[str]:
    """The classes after this request's ``kontrast``/``tekst`` changes."""
    chosen = set(current_classes(kiosk=kiosk))
    for name, css_class in SETTINGS.items():
        value = request.args.get(name)
        if value == "1":
            chosen.add(css_class)
        elif value == "0":
            chosen.discard(css_class)
    return sorted(chosen)


def _way_back(default: str) -> str:
    """The page the visitor came from, if it is on this site (the Referer's path); the
    pages do not carry their own address in the link, so a 404 echoes nothing."""
    referer = urlsplit(request.headers.get("Referer", ""))
    if referer.netloc != request.host or not referer.path.startswith("/"):
        return default
    path = referer.path if not referer.path.startswith("//") else default
    return path + (f"?{referer.query}" if referer.query else "")


def current_classes(*, kiosk: bool = False) -> list[str]:
    """The display classes the visitor chose (only known ones, whatever the cookie says);
    on the kiosk only the kiosk's own session cookie counts."""
    varies_on("Cookie")  # the page's classes and switches now follow the visitor's cookie
    known = set(SETTINGS.values())
    raw = request.cookies.get(KIOSK_COOKIE if kiosk else COOKIE, "")
    return [name for name in raw.split() if name in known]


def install(app: Flask) -> None:
    """Register the route and give every template ``display_classes``."""
    app.register_blueprint(display_blueprint)
    app.context_processor(lambda: {"display_classes": " ".join(current_classes())})
