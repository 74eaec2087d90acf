"""Exception documents and HTTP answers for a :class:`~services.edge.failures.Refusal`.

Each protocol has its own exception format: WMS a ServiceExceptionReport (1.1.1 or
1.3.0), WFS 2.0 and WMTS an OWS 1.1 ExceptionReport, OGC API a JSON object, the
ULDK-compatible API (``services/uldk``) one plain-text line starting with ``-1`` (the
status its clients test). The XML forms are templates
(``services/templates/exception_*.xml.j2``). Texts are Polish first, English after a
slash, as every other answer of the portal.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Literal

from services.configgen.templating import render
from services.edge.failures import Refusal

Format = Literal["wms", "ows", "json", "uldk"]
XML = "text/xml; charset=UTF-8"
JSON = "application/json; charset=utf-8"
TEXT = "text/plain; charset=utf-8"


@dataclass(frozen=True)
class Dialect:
    """How one protocol writes exceptions: the document format and its version."""

    format: Format
    version: str = ""
    namespace: str = "http://www.opengis.net/ows/1.1"  # of an OWS ExceptionReport


WMS_130 = Dialect("wms", "1.3.0")
WMS_111 = Dialect("wms", "1.1.1")
WFS_20 = Dialect("ows", "2.0.0")
WMTS_10 = Dialect("ows", "1.0.0")
WCS_20 = Dialect("ows", "2.0.1", "http://www.opengis.net/ows/2.0")
CSW_202 = Dialect("ows", "1.2.0", "http://www.opengis.net/ows")  # OWS 1.0 ExceptionReport
OGC_API = Dialect("json")
ULDK = Dialect("uldk")


def document(refusal: Refusal, dialect: Dialect) -> tuple[str, bytes]:
    """The content type and body of the exception document for a refusal."""
    text = f"{refusal.message.pl} / {refusal.message.en}"
    code = refusal.answer.code
    if dialect.format == "uldk":
        return TEXT, f"-1 {text}\n".encode()
    if dialect.format == "json":
        body = {"code": code, "type": code, "description": text}
        return JSON, json.dumps(body, ensure_ascii=False).encode()
    template = f"exception_{dialect.format}.xml.j2"
    xml = render(template, version=dialect.version, namespace=dialect.namespace, code=code,
                 text=text, locator=refusal.locator)  # fmt: skip
    return XML, xml.encode()


def status_line(status: int) -> str:
    """``"400 Bad Request"``: the WSGI status line of a code."""
    return f"{status} {HTTPStatus(status).phrase}"


def respond(
    start_response: Callable[..., Any],
    refusal: Refusal,
    dialect: Dialect,
    method: str = "GET",
    extra_headers: Iterable[tuple[str, str]] = (),
) -> list[bytes]:
    """Answer a WSGI request with the refusal's status, headers and document."""
    content_type, body = document(refusal, dialect)
    headers = [
        ("Content-Type", content_type),
        ("Content-Length", str(len(body))),
        *refusal.headers(),
        *extra_headers,
    ]
    start_response(status_line(refusal.answer.status), headers)
    return [] if method.upper() == "HEAD" else [body]
