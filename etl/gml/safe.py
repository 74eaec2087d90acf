"""XXE-safe access to XML files we did not write.

Uploaded GML is hostile until proven otherwise (bad-inputs.md §13/§14): a DOCTYPE can declare
external entities (``file:`` or ``http:`` — data theft, SSRF) or entity bombs. Exchange
formats (EGiB, APP, PRG) never need a DTD, so a file whose prolog holds a DOCTYPE is refused
outright, before any parser sees it. As a second line the parsers are configured not to
resolve entities, not to load DTDs and not to touch the network, and ``huge_tree`` stays off
so libxml2's own size limits apply.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lxml import etree

PROLOG_LIMIT = 1 << 20  # a prolog longer than 1 MiB is not a real exchange file

_PROLOG_SKIP = re.compile(r"\s+|<\?.*?\?>|<!--.*?-->", re.DOTALL)


class UnsafeXMLError(ValueError):
    """The document was refused before parsing (DOCTYPE / entity declarations)."""


def _decode_head(head: bytes) -> str:
    """Decode the first bytes honouring a UTF-16/32 BOM; anything else as UTF-8 (lenient)."""
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF8, "utf-8"),
    ):
        if head.startswith(bom):
            return head[len(bom) :].decode(codec, errors="ignore")
    if head[:2] in (b"<\x00", b"\x00<"):  # UTF-16 without BOM
        return head.decode("utf-16-le" if head[0] == 0x3C else "utf-16-be", errors="ignore")
    return head.decode("utf-8", errors="ignore")


def check_prolog(source: Path | str | bytes) -> None:
    """Raise UnsafeXMLError if the prolog (before the root element) holds a DOCTYPE.

    ``source`` is a path or the document bytes. Only the prolog is inspected, so a file's
    size does not matter.
    """
    if isinstance(source, bytes):
        head = source[:PROLOG_LIMIT]
    else:
        with open(source, "rb") as handle:
            head = handle.read(PROLOG_LIMIT)
    text = _decode_head(head)
    position = 0
    while True:
        match = _PROLOG_SKIP.match(text, position)
        if not match:
            break
        position = match.end()
    rest = text[position : position + 16].upper()
    if rest.startswith("<!DOCTYPE") or rest.startswith("<!ENTITY"):
        raise UnsafeXMLError("DOCTYPE/entity declarations are not accepted in exchange files")
    if not rest.startswith("<") and len(head) >= PROLOG_LIMIT:
        raise UnsafeXMLError("no root element within the first 1 MiB")


_PARSER_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
}


def safe_parser() -> etree.XMLParser:
    """An lxml parser that neither expands entities nor fetches anything."""
    return etree.XMLParser(remove_comments=True, **_PARSER_OPTIONS)


def parse_bytes(data: bytes) -> etree._Element:
    """Parse a small document held in memory, after the prolog check."""
    check_prolog(data)
    return etree.fromstring(data, parser=safe_parser())


def safe_iterparse(
    path: Path | str,
    events: tuple[str, ...] = ("start", "end"),
    tag: tuple[str, ...] | None = None,
) -> Iterator[tuple[str, Any]]:
    """``lxml.etree.iterparse`` with the DOCTYPE refusal and the safe options; ``tag``
    limits the events to those elements (the tree is built all the same)."""
    check_prolog(path)
    return etree.iterparse(
        str(path), events=events, tag=tag, remove_comments=True, **_PARSER_OPTIONS
    )
