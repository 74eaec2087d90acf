"""Turn what MapServer wrote into an HTTP answer: status, safe text, no version banner.

MapServer sends OGC exception reports with HTTP 200 (WMS) or with a ``Status`` header of
its own choosing (WFS sends "400 Internal Server Error" for a database failure). Here
every exception report becomes 400, except a database failure, which becomes 503 with
``Retry-After``, as bad input is the client's to fix and a database outage is not.
Exception texts lose MapServer function names, file paths, connection parameters and
version strings; the capabilities lose the ``<!-- MapServer version … -->`` banner.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from services.configgen.templating import render

RETRY_AFTER = "5"
DB_FAILURE = re.compile(
    r"msPostGIS|Database connection failed|statement timeout|could not connect"
    r"|server closed the connection|connection to server",
    re.IGNORECASE,
)
DB_TEXT = "Źródło danych jest chwilowo niedostępne. / The data source is temporarily unavailable."
_FUNCTION = re.compile(r"\b\w+\(\):\s*")
_PATH = re.compile(r"(?<![\w:/])(?:/[\w.@+-]+){2,}/?")
_CONNECTION = re.compile(
    r"\b(?:host|hostaddr|port|dbname|user|password|service|sslmode|options)\s*=\s*\S+", re.I
)
_VERSION = re.compile(r"MapServer version [^\n<]*", re.IGNORECASE)
_BANNER = re.compile(rb"<!--\s*MapServer version.*?-->\s*", re.DOTALL)
_EXCEPTION_TAGS = {"ServiceException", "ExceptionText"}
_EXCEPTION_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


@dataclass
class Answer:
    """An HTTP answer ready for ``start_response``."""

    status: int
    content_type: str
    body: bytes
    headers: list[tuple[str, str]] = field(default_factory=list)


def edge_exception(
    status: int, code: str, text: str, locator: str | None, service: str | None
) -> Answer:
    """An OGC exception report written by us (WFS: OWS 1.1, otherwise WMS 1.3.0)."""
    body = render(
        "mapfile_exception.xml.j2", service=service, code=code, text=text, locator=locator
    ).encode()
    headers = [("Retry-After", RETRY_AFTER)] if status == 503 else []
    if status == 405:
        headers.append(("Allow", "GET, HEAD, POST"))
    return Answer(status, "text/xml; charset=UTF-8", body, headers)


def finish(content_type: str, body: bytes, wms_version: str | None) -> Answer:
    """Classify MapServer's output: a normal answer (200) or an exception report."""
    if "xml" in content_type and b"Exception" in body[:2048]:
        return exception_answer(content_type, body, wms_version)
    if "xml" in content_type:
        body = _BANNER.sub(b"", body[:4096], count=1) + body[4096:]
    if content_type.startswith("text/") and "charset" not in content_type:
        content_type += "; charset=UTF-8"
    return Answer(200, content_type, body)


def exception_answer(content_type: str, body: bytes, wms_version: str | None) -> Answer:
    """Rewrite an exception report: safe texts, WMS 1.3 code names, proper HTTP status."""
    try:
        root = etree.fromstring(body, _EXCEPTION_PARSER)
    except etree.XMLSyntaxError:
        return edge_exception(400, "NoApplicableCode", "invalid request", None, None)
    if not etree.QName(root).localname.endswith("ExceptionReport"):
        return Answer(200, content_type, body)  # data that merely mention "Exception"
    database_down = DB_FAILURE.search(etree.tostring(root, encoding="unicode")) is not None
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        name = etree.QName(element).localname
        if name in _EXCEPTION_TAGS:
            element.text = DB_TEXT if database_down else sanitize(element.text or "")
        if element.get("code") == "InvalidSRS" and wms_version == "1.3.0":
            element.set("code", "InvalidCRS")  # the WMS 1.3.0 name of the same error
        if database_down and (element.get("code") or element.get("exceptionCode")):
            element.set(
                "exceptionCode" if element.get("exceptionCode") else "code", "NoApplicableCode"
            )
    text = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    status, headers = (503, [("Retry-After", RETRY_AFTER)]) if database_down else (400, [])
    return Answer(status, content_type, text, headers)


def sanitize(text: str) -> str:
    """Drop function names, paths, connection parameters and versions from a message."""
    text = _FUNCTION.sub("", text)
    text = _VERSION.sub("", text)
    text = _CONNECTION.sub("[…]", text)
    text = _PATH.sub("[…]", text)
    return " ".join(text.split())
