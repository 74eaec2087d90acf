"""Security headers on every answer of the portal, whichever engine wrote it.

The viewer's pages, MapServer's GetFeatureInfo HTML, pygeoapi's pages, exception
documents and static files all leave through here: ``nosniff``, a referrer policy, a
frame policy, and a Content-Security-Policy on HTML. Headers that advertise an engine
and its version (``X-Powered-By``, ``Server``) are dropped.

pygeoapi 0.21's HTML pages load Bootstrap and Leaflet from public CDNs and use inline
scripts; their policy names those hosts. Every other page may load only from this origin.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

STRICT_CSP = "; ".join([
    "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data: blob:",
    "connect-src 'self'", "font-src 'self'", "base-uri 'none'", "form-action 'self'",
    "frame-ancestors 'self'",
])  # fmt: skip
_CDNS = "https://unpkg.com https://cdn.jsdelivr.net https://cdnjs.cloudflare.com"
PYGEOAPI_CSP = "; ".join([
    "default-src 'self'", f"script-src 'self' 'unsafe-inline' {_CDNS}",
    f"style-src 'self' 'unsafe-inline' {_CDNS}", "img-src 'self' data: blob:",
    "connect-src 'self'", f"font-src 'self' {_CDNS}", "base-uri 'none'", "form-action 'self'",
    "frame-ancestors 'self'",
])  # fmt: skip
COMMON = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "SAMEORIGIN"),
)
DROPPED = frozenset({"x-powered-by", "server"})


class SecurityHeaders:
    """WSGI middleware adding the portal's security headers to every response."""

    def __init__(self, app: WSGIApp):
        self.app = app

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")

        def secured(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            return start_response(status, with_security_headers(headers, path), exc_info)

        return self.app(environ, secured)


def with_security_headers(headers: list[tuple[str, str]], path: str) -> list[tuple[str, str]]:
    """The headers of one response, completed (present values are kept)."""
    kept = [(name, value) for name, value in headers if name.lower() not in DROPPED]
    present = {name.lower() for name, _ in kept}
    added = [(name, value) for name, value in COMMON if name.lower() not in present]
    content_type = next((v for n, v in kept if n.lower() == "content-type"), "")
    if "html" in content_type and "content-security-policy" not in present:
        policy = PYGEOAPI_CSP if path.startswith("/ogc") else STRICT_CSP
        added.append(("Content-Security-Policy", policy))
    return kept + added
