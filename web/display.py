"""Display settings every page honours: high contrast and larger text.

Public-sector portals offer both (WCAG 2.1 AA asks for text resizable to 200 %; people
with low vision ask for contrast). They are links that set a cookie and return to the
page, and the page's ``<body>`` carries the classes, so they work without JavaScript and
on every page rendered from ``viewer/base.html``. The way back is the Referer, and only
when it is this site: anything else goes to the start page (no open redirect).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Flask, redirect, request
from flask.typing import ResponseReturnValue

display_blueprint = Blueprint("display", __name__)
SETTINGS = {"kontrast": "high-contrast", "tekst": "large-text"}  # parameter -> body class
COOKIE = "wyglad"
MAX_AGE_S = 365 * 24 * 3600


@display_blueprint.get("/wyglad")
def change() -> ResponseReturnValue:
    """Turn one setting on or off (``?kontrast=1`` / ``?tekst=0``) and go back."""
    chosen = set(current_classes())
    for name, css_class in SETTINGS.items():
        value = request.args.get(name)
        if value == "1":
            chosen.add(css_class)
        elif value == "0":
            chosen.discard(css_class)
    response = redirect(_way_back(), 303)
    response.set_cookie(COOKIE, " ".join(sorted(chosen)), max_age=MAX_AGE_S, httponly=True,
                        samesite="Lax", secure=request.is_secure)  # fmt: skip
    return response


def _way_back() -> str:
    """The page the visitor came from, if it is on this site (the Referer's path); the
    pages do not carry their own address in the link, so a 404 echoes nothing."""
    referer = urlsplit(request.headers.get("Referer", ""))
    if referer.netloc != request.host or not referer.path.startswith("/"):
        return "/"
    path = referer.path if not referer.path.startswith("//") else "/"
    return path + (f"?{referer.query}" if referer.query else "")


def current_classes() -> list[str]:
    """The display classes the visitor chose (only known ones, whatever the cookie says)."""
    known = set(SETTINGS.values())
    return [name for name in request.cookies.get(COOKIE, "").split() if name in known]


def install(app: Flask) -> None:
    """Register the route and give every template ``display_classes``."""
    app.register_blueprint(display_blueprint)
    app.context_processor(lambda: {"display_classes": " ".join(current_classes())})
