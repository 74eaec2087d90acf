"""XML in requests (OGC filters, WFS POST bodies), parsed as hostile input.

No DTD, no entities, no network, libxml2's size limits kept: a DOCTYPE anywhere is
refused before parsing, and again after (a UTF-16 body hides it from the byte check).
"""

from __future__ import annotations

from lxml import etree

from geoportal.text import Text
from services.edge.failures import Failure, Refusal

_PARSER_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}
_NO_DOCTYPE = Text(
    pl="DOCTYPE i encje nie są przyjmowane", en="DOCTYPE and entities are not accepted"
)


def parse_xml(body: bytes) -> etree._Element:
    """Parse an XML document from a request; :class:`Refusal` for anything unsafe or broken."""
    if not body.strip():
        raise Refusal(Failure.MISSING_PARAMETER, Text(pl="Pusty dokument XML", en="empty XML"))
    upper = body.upper()
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        raise Refusal(Failure.BAD_PARAMETER, _NO_DOCTYPE)
    try:
        root = etree.fromstring(body, etree.XMLParser(**_PARSER_OPTIONS))
    except etree.XMLSyntaxError as exc:
        text = Text(pl="To nie jest poprawny dokument XML", en="not well-formed XML")
        raise Refusal(Failure.BAD_PARAMETER, text) from exc
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise Refusal(Failure.BAD_PARAMETER, _NO_DOCTYPE)
    return root
