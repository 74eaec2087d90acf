"""Hostile XML: DOCTYPEs with external entities are refused, nothing is fetched."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from etl.gml.safe import UnsafeXMLError, check_prolog, safe_parser
from etl.gml.schemas import validate
from etl.readers import AppGmlReader, EgibGmlReader, detect

SECRET = "top-secret-content-4711"
BODY = """<gml:FeatureCollection xmlns:gml="http://www.opengis.net/gml/3.2"
 xmlns:egb="ewidencjaGruntowIBudynkow:1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
 xsi:schemaLocation="ewidencjaGruntowIBudynkow:1.0 http://127.0.0.1:{port}/EGIB.XSD" gml:id="c">
<gml:featureMember><egb:EGB_DzialkaEwidencyjna gml:id="d1">
<egb:idDzialki>{content}</egb:idDzialki>
<egb:poleEwidencyjne uom="ha">1.0</egb:poleEwidencyjne>
</egb:EGB_DzialkaEwidencyjna></gml:featureMember></gml:FeatureCollection>"""


@pytest.fixture()
def listener() -> Iterator[tuple[int, list]]:
    """A TCP listener on 127.0.0.1 that records every connection attempt."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    hits: list = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            hits.append(conn.recv(1024))
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], hits
    stop.set()
    thread.join(2)
    server.close()


def _hostile(tmp_path: Path, port: int) -> tuple[Path, Path]:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    doctype = (
        f"<!DOCTYPE gml:FeatureCollection [\n"
        f'  <!ENTITY % remote SYSTEM "http://127.0.0.1:{port}/evil.dtd">\n'
        f"  %remote;\n"
        f'  <!ENTITY secret SYSTEM "{secret.as_uri()}">\n'
        f'  <!ENTITY web SYSTEM "http://127.0.0.1:{port}/entity">\n]>\n'
    )
    path = tmp_path / "hostile.gml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        + doctype
        + BODY.format(port=port, content="&secret;&web;"),
        encoding="utf-8",
    )
    return path, secret


def test_doctype_is_refused_everywhere_without_a_connection(tmp_path, listener):
    port, hits = listener
    path, _ = _hostile(tmp_path, port)
    with pytest.raises(UnsafeXMLError):
        check_prolog(path)
    for reader in (EgibGmlReader(path), AppGmlReader(path)):
        with pytest.raises(UnsafeXMLError):
            list(reader)
    assert detect(path) is None
    assert validate(path)[0].startswith("refused")
    assert hits == []


def test_the_parser_itself_does_not_expand_entities(tmp_path, listener):
    port, hits = listener
    path, _ = _hostile(tmp_path, port)
    root = etree.parse(str(path), safe_parser()).getroot()  # second line of defence
    assert SECRET not in etree.tostring(root, encoding="unicode")
    assert hits == []


def test_schema_location_hints_are_not_followed(tmp_path, listener):
    port, hits = listener
    path = tmp_path / "hint.gml"
    path.write_text(BODY.format(port=port, content="100302_4.0001.1"), encoding="utf-8")
    rows = list(EgibGmlReader(path))
    assert [table for table, _ in rows] == ["parcel"] and rows[0][1]["geom"] is None
    assert validate(path)  # schema-invalid (no geometry etc.), but nothing was fetched
    assert hits == []


def test_entity_bomb_is_refused(tmp_path):
    lol = "".join(f'<!ENTITY l{i} "&l{i - 1};&l{i - 1};&l{i - 1};&l{i - 1};">' for i in range(1, 9))
    path = tmp_path / "bomb.gml"
    path.write_text(
        f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY l0 "lol">{lol}]><x>&l8;</x>', encoding="utf-8"
    )
    with pytest.raises(UnsafeXMLError):
        list(EgibGmlReader(path))
