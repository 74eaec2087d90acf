"""Turn what MapServer wrote into an HTTP answer: status, safe text, no version banner.

MapServer sends OGC exception reports with HTTP 200 (WMS) or with a ``Status`` header of
its own choosing (WFS sends "400 Internal Server Error" for a database failure). Here each
report is classified as a kind of failure and answered as the edge's table says
(``services.edge.failures``): a database outage as one, anything else as the client's
bad parameter. Exception texts lose MapServer function names, file paths, connection
parameters and version strings; the capabilities lose the ``<!-- MapServer version … -->``
banner.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from geoportal.text import Text
from services.edge.documents import WMS_130, Dialect, document
from services.edge.failures import ANSWERS, UNAVAILABLE, Failure, Refusal

# The database is away or overloaded: nothing the client can fix by asking otherwise.
DB_UNAVAILABLE = re.compile(
    r"Database connection failed|could not connect|server closed the connection"
    r"|connection to server|no connection to the server|terminating connection"
    r"|statement timeout|canceling statement",
    re.IGNORECASE,
)
# The database refused the query the request made: the request is at fault (a 400), and
# the SQL in MapServer's message stays here.
DB_REJECTED = re.compile(r"msPostGIS|Error executing query|Query error", re.IGNORECASE)
REJECTED = Text(pl="Baza danych odrzuciła to zapytanie", en="the database rejected this request")
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
class Reply:
    """An HTTP answer ready for ``start_response``."""

    status: int
    content_type: str
    body: bytes
    headers: list[tuple[str, str]] = field(default_factory=list)


def refusal_reply(refusal: Refusal, dialect: Dialect) -> Reply:
    """A refusal of ours as a reply: the table's status and headers, a templated document."""
    content_type, body = document(refusal, dialect)
    return Reply(refusal.answer.status, content_type, body, refusal.headers())


def finish(content_type: str, body: bytes, dialect: Dialect) -> Reply:
    """Classify MapServer's output: a normal answer (200) or an exception report."""
    if "xml" in content_type and b"Exception" in body[:2048]:
        return exception_reply(content_type, body, dialect)
    if "xml" in content_type:
        body = _BANNER.sub(b"", body[:4096], count=1) + body[4096:]
    if content_type.startswith("text/") and "charset" not in content_type:
        content_type += "; charset=UTF-8"
    return Reply(200, content_type, body)


def exception_reply(content_type: str, body: bytes, dialect: Dialect) -> Reply:
    """Rewrite an exception report: safe texts, WMS 1.3 code names, the table's status."""
    try:
        root = etree.fromstring(body, _EXCEPTION_PARSER)
    except etree.XMLSyntaxError:
        invalid = Text(pl="Nieprawidłowe zapytanie", en="invalid request")
        return refusal_reply(Refusal(Failure.BAD_PARAMETER, invalid), dialect)
    if not etree.QName(root).localname.endswith("ExceptionReport"):
        return Reply(200, content_type, body)  # data that merely mention "Exception"
    failure, message = _classify(root)
    answer = ANSWERS[failure]
    for element in root.iter():
        if isinstance(element.tag, str):
            _rewrite(element, failure, message, dialect)
    text = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return Reply(answer.status, content_type, text, Refusal(failure, UNAVAILABLE).headers())


def _classify(root: etree._Element) -> tuple[Failure, Text | None]:
    """The kind of failure, and the message that replaces MapServer's (None: sanitise it)."""
    text = etree.tostring(root, encoding="unicode")
    if DB_UNAVAILABLE.search(text):
        return Failure.DATABASE_UNAVAILABLE, UNAVAILABLE
    if DB_REJECTED.search(text):
        return Failure.BAD_PARAMETER, REJECTED
    return Failure.BAD_PARAMETER, None


def _rewrite(
    element: etree._Element, failure: Failure, message: Text | None, dialect: Dialect
) -> None:
    unavailable = failure is Failure.DATABASE_UNAVAILABLE
    if etree.QName(element).localname in _EXCEPTION_TAGS:
        replaced = f"{message.pl} / {message.en}" if message else None
        element.text = replaced or sanitize(element.text or "")
    if element.get("code") == "InvalidSRS" and dialect == WMS_130:
        element.set("code", "InvalidCRS")  # the WMS 1.3.0 name of the same error
    if unavailable:
        for attribute in ("code", "exceptionCode"):
            if element.get(attribute):
                element.set(attribute, ANSWERS[failure].code)


def sanitize(text: str) -> str:
    """Drop function names, paths, connection parameters and versions from a message."""
    text = _FUNCTION.sub("", text)
    text = _VERSION.sub("", text)
    text = _CONNECTION.sub("[…]", text)
    text = _PATH.sub("[…]", text)
    return " ".join(text.split())
