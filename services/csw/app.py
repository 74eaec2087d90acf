"""The CSW 2.0.2 catalogue as a WSGI application mounted at ``/csw``.

pycsw answers the protocol; in front of it this module refuses what it should never see
(unknown parameters, bodies that are too big, not XML or carry a DOCTYPE, Transaction
and Harvest) and behind it turns its exception reports, which it sends with HTTP 200,
into the edge's own: the status from ``services.edge.failures``, Polish first.

>>> app = make_csw_app(Instance())  # doctest: +SKIP
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable, Iterable
from typing import Any

from lxml import etree

from geoportal.instance import Instance
from geoportal.text import Text
from services.csw import repository
from services.csw.config import config_parser, pycsw_config
from services.csw.engine import PYCSW_VERSION, pycsw_server
from services.edge.documents import CSW_202, respond
from services.edge.failures import Failure, Refusal, server_error, unavailable
from services.edge.kvp import bad, parse_query
from services.edge.xml import parse_xml

LOGGER = logging.getLogger(__name__)
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
CSW = "http://www.opengis.net/cat/csw/2.0.2"
OWS = "http://www.opengis.net/ows"
MAX_BODY = 64 * 1024  # a GetRecords with a long filter is a few KB
READ_ONLY = ("GetCapabilities", "DescribeRecord", "GetRecords", "GetRecordById", "GetDomain")
KVP = frozenset({
    "SERVICE", "VERSION", "REQUEST", "ACCEPTVERSIONS", "SECTIONS", "UPDATESEQUENCE",
    "ACCEPTFORMATS", "OUTPUTFORMAT", "TYPENAME", "TYPENAMES", "NAMESPACE", "ELEMENTSETNAME",
    "ELEMENTNAME", "CONSTRAINTLANGUAGE", "CONSTRAINT", "CONSTRAINT_LANGUAGE_VERSION",
    "RESULTTYPE", "OUTPUTSCHEMA", "STARTPOSITION", "MAXRECORDS", "SORTBY", "REQUESTID",
    "ID", "SCHEMALANGUAGE", "PARAMETERNAME", "PROPERTYNAME", "DISTRIBUTEDSEARCH", "HOPCOUNT",
})  # fmt: skip
COUNTS = ("STARTPOSITION", "MAXRECORDS", "HOPCOUNT")
XML_TYPES = ("text/xml", "application/xml")
_POLISH = {
    "MissingParameterValue": "Brak wymaganego parametru",
    "InvalidParameterValue": "Nieprawidłowa wartość parametru",
    "OperationNotSupported": "Operacja nie jest obsługiwana",
    "VersionNegotiationFailed": "Nieobsługiwana wersja",
}
_SCHEMA_REFUSAL = re.compile(r"not valid|not well-formed")  # pycsw's words for a bad body
_FAILURES = {"MissingParameterValue": Failure.MISSING_PARAMETER,
             "OperationNotSupported": Failure.NOT_IMPLEMENTED}  # fmt: skip
_NOT_OFFERED = Text(pl="Katalog jest tylko do odczytu: operacja nie jest obsługiwana",
                    en="the catalogue is read-only: operation not supported")  # fmt: skip


def make_csw_app(instance: Instance) -> WSGIApp:
    """The catalogue over the records ``services.records`` stored for this instance."""
    repository.use_database(instance.database, instance.site.county.teryt)
    pycsw_server()  # import now: a broken installation fails at start, not per request
    # pycsw logs every refused request as ERROR with a traceback; client mistakes are not
    # server errors (the refusals are logged here, the repository logs its own failures).
    logging.getLogger("pycsw").setLevel(logging.CRITICAL)
    sections = pycsw_config(instance.site, instance.settings.base_url)
    return CatalogueApp(sections)


class CatalogueApp:
    """Check the request, let pycsw answer, give its failures their proper status."""

    def __init__(self, sections: dict[str, dict[str, str]]):
        self.sections = sections

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET").upper()
        try:
            environ = self._checked(environ, method)
            return self._answer(environ, start_response, method)
        except Refusal as refusal:
            return respond(start_response, refusal, CSW_202, method)

    def _checked(self, environ: dict[str, Any], method: str) -> dict[str, Any]:
        if environ.get("PATH_INFO", "") not in ("", "/"):
            raise Refusal(Failure.NOT_FOUND, Text(pl="Nie ma takiego zasobu", en="not found"))
        if method in ("GET", "HEAD"):
            check_kvp(environ.get("QUERY_STRING", ""))
            return {**environ, "REQUEST_METHOD": "GET"}
        if method == "POST":
            body = read_body(environ)
            return {**environ, "QUERY_STRING": "", "CONTENT_LENGTH": str(len(body)),
                    "wsgi.input": io.BytesIO(body)}  # fmt: skip
        raise Refusal(Failure.METHOD_NOT_ALLOWED,
                      Text(pl="Niedozwolona metoda HTTP", en="HTTP method not allowed"),
                      allow=("GET", "HEAD", "POST"))  # fmt: skip

    def _answer(
        self, environ: dict[str, Any], start_response: Callable[..., Any], method: str
    ) -> list[bytes]:
        server = pycsw_server()
        try:
            csw = server.Csw(config_parser(self.sections), environ, version="2.0.2")
            status, body = csw.dispatch_wsgi()
        except Exception:
            LOGGER.exception("pycsw failed")
            raise server_error() from None
        failed = getattr(getattr(csw, "repository", None), "failed", None)
        if failed == "unavailable":
            raise unavailable()
        if failed == "query":
            raise bad("Zapytanie nie daje się wykonać", "the query cannot be run")
        if csw.exception:
            raise refusal_of(body)
        body = body.replace(f"<!-- pycsw {PYCSW_VERSION} -->\n".encode(), b"")
        headers = [("Content-Type", str(csw.contenttype)), ("Content-Length", str(len(body)))]
        start_response(status, headers)
        return [] if method == "HEAD" else [body]


def check_kvp(query: str) -> None:
    """Every parameter known, numbers plain, version 2.0.2, nothing that writes."""
    params = parse_query(query)
    for name in params:
        if name not in KVP:
            raise bad(f"Nieznany parametr {name[:40]}", f"unknown parameter {name[:40]}", name)
    for name in COUNTS:
        value = params.get(name)
        if value is not None and not (value.isdigit() and len(value) <= 9):
            raise bad(f"{name} musi być liczbą całkowitą", f"{name} must be an integer", name)
    if params.get("VERSION", "2.0.2") != "2.0.2":
        raise bad("Obsługiwana jest wersja 2.0.2", "only version 2.0.2 is served", "version")
    request = params.get("REQUEST", "")
    if request in ("Transaction", "Harvest"):
        raise Refusal(Failure.NOT_IMPLEMENTED, _NOT_OFFERED, "request")


def read_body(environ: dict[str, Any]) -> bytes:
    """The POST body: XML, with a length, at most ``MAX_BODY``, a read-only CSW request."""
    content_type = environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    if content_type not in XML_TYPES:
        raise bad("POST przyjmuje tylko dokument XML", "POST accepts only an XML document")
    length = environ.get("CONTENT_LENGTH") or ""
    if not length.isdigit():
        required = Text(pl="Wymagany nagłówek Content-Length", en="Content-Length required")
        raise Refusal(Failure.LENGTH_REQUIRED, required)
    if int(length) > MAX_BODY:
        raise Refusal(Failure.TOO_LARGE, Text(pl="Zbyt duże zapytanie", en="request too large"))
    body = environ["wsgi.input"].read(int(length))
    root = parse_xml(body)
    name = etree.QName(root)
    if name.namespace != CSW:
        raise bad("To nie jest zapytanie CSW 2.0.2", "not a CSW 2.0.2 request")
    if name.localname not in READ_ONLY:
        raise Refusal(Failure.NOT_IMPLEMENTED, _NOT_OFFERED, name.localname)
    return body


def refusal_of(report: bytes) -> Refusal:
    """pycsw's exception report as a refusal of the edge (its text, a Polish lead).

    ``NoApplicableCode`` is the client's only for a POST body its schemas refuse; in a
    read-only request anything else with that code is pycsw failing (a 500, logged).
    """
    root = etree.fromstring(report, etree.XMLParser(resolve_entities=False, no_network=True))
    exception = root.find(f"{{{OWS}}}Exception")
    code = exception.get("exceptionCode", "") if exception is not None else ""
    locator = exception.get("locator") if exception is not None else None
    english = " ".join(root.findtext(f".//{{{OWS}}}ExceptionText", default="").split())[:300]
    if code == "NoApplicableCode" and not _SCHEMA_REFUSAL.search(english):
        LOGGER.error("pycsw failed: %s", english)
        return server_error()
    LOGGER.info("CSW refused: %s %s", code, english)
    polish = _POLISH.get(code, "Nieprawidłowe zapytanie")
    failure = _FAILURES.get(code, Failure.BAD_PARAMETER)
    return Refusal(failure, Text(pl=polish, en=english or code), locator)
