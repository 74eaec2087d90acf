"""The DBF text encoding is decided from the bytes; mojibake never reaches a record."""

from __future__ import annotations

import struct
import warnings
from pathlib import Path

import numpy as np
import pytest
import shapely
from pyogrio.raw import write
from shapely.geometry import Polygon

from etl.encoding import cpg_codec, detect_dbf_encoding, read_dbf_header
from etl.profiles import Profile
from etl.readers.base import Findings, InputError
from etl.readers.vector import VectorReader

POLISH = "ąćęłńóśźż ĄĆĘŁŃÓŚŹŻ"
LETTERS = "ąćęłńóśźż"


def write_dbf(path: Path, values: list[bytes], ldid: int = 0, width: int = 40) -> Path:
    """A dBASE III file with one character field NAZWA and exactly the given bytes."""
    header_length = 32 + 32 + 1
    record_length = 1 + width
    header = struct.pack("<B3BIHH", 0x03, 124, 5, 17, len(values), header_length, record_length)
    header += bytes(17) + bytes([ldid]) + bytes(2)
    field = b"NAZWA".ljust(11, b"\x00") + b"C" + bytes(4) + bytes([width, 0]) + bytes(14)
    records = b"".join(b" " + value.ljust(width, b" ")[:width] for value in values)
    path.write_bytes(header + field + b"\r" + records + b"\x1a")
    return path


def decide(path: Path, findings: Findings | None = None, forced: str | None = None) -> str:
    return detect_dbf_encoding(path, findings, forced).codec


@pytest.fixture()
def dbf(tmp_path: Path) -> Path:
    return tmp_path / "dzialki.dbf"


def test_cp1250_without_cpg_is_cp1250(dbf):
    write_dbf(dbf, [POLISH.encode("cp1250"), b"Lask"])
    assert decide(dbf) == "cp1250"


def test_a_cpg_that_agrees_is_followed_without_a_finding(dbf):
    write_dbf(dbf, [POLISH.encode("cp1250")])
    dbf.with_suffix(".cpg").write_text("1250")
    findings = Findings()
    assert decide(dbf, findings) == "cp1250"
    assert findings.as_list() == []


def test_utf8_with_an_ansi_ldid_is_utf8_and_reported(dbf):
    write_dbf(dbf, [POLISH.encode("utf-8")], ldid=0x57)
    findings = Findings()
    assert decide(dbf, findings) == "utf-8"
    [finding] = findings.as_list()
    assert finding.code == "encoding_hint_overruled"
    assert finding.examples == ["dzialki.dbf: LDID 0x57"]


def test_a_cpg_saying_1250_over_utf8_bytes_is_overruled(dbf):
    write_dbf(dbf, [POLISH.encode("utf-8")])
    dbf.with_suffix(".cpg").write_text("1250\n")
    findings = Findings()
    assert decide(dbf, findings) == "utf-8"
    assert findings.as_list()[0].examples == ["dzialki.dbf: .cpg '1250'"]


def test_a_cpg_saying_utf8_over_cp1250_bytes_is_overruled(dbf):
    write_dbf(dbf, [POLISH.encode("cp1250")])
    dbf.with_suffix(".cpg").write_text("UTF-8")
    findings = Findings()
    assert decide(dbf, findings) == "cp1250"
    assert findings.as_list()[0].code == "encoding_hint_overruled"


def test_ansi_ldid_with_cp1250_bytes_is_no_contradiction(dbf):
    write_dbf(dbf, [POLISH.encode("cp1250")], ldid=0x57)
    findings = Findings()
    assert decide(dbf, findings) == "cp1250"
    assert findings.as_list() == []


def test_pure_ascii_is_either(dbf):
    write_dbf(dbf, [b"Lask", b"Wola Lask"], ldid=0xC8)
    assert decide(dbf) == "utf-8"


def test_a_cp852_file_declared_as_such_is_read_as_cp852(dbf):
    write_dbf(dbf, [POLISH.encode("cp852")], ldid=0x64)
    assert decide(dbf) == "cp852"


@pytest.mark.parametrize(
    ("value", "why"),
    [
        (POLISH.encode("iso8859-2"), "neither UTF-8"),  # ą reads as ± in CP1250
        (POLISH.encode("cp852"), "neither UTF-8"),  # ł is undefined in CP1250
        ("Łódź Kraków".encode("cp852"), "neither UTF-8"),
        (b"Lask\x01\x02", "control bytes 0x01, 0x02"),
        (LETTERS.encode("utf-8").decode("cp1250").encode("utf-8"), "UTF-8 encoded twice"),
        (POLISH.encode("utf-8").decode("latin-1").encode("utf-8"), "UTF-8 encoded twice"),
    ],
)
def test_undecidable_text_is_refused(dbf, value, why):
    write_dbf(dbf, [b"Lask", value], width=80)
    with pytest.raises(InputError) as caught:
        decide(dbf)
    message = str(caught.value)
    assert message.startswith("dzialki.dbf: ambiguous text encoding")
    assert why in message
    assert "tell us which (--encoding" in message


def test_one_polish_letter_deep_in_the_file_is_found(dbf):
    """The whole file is scanned: a sample of the first rows would miss this."""
    values = [b"Lask"] * 200_000 + ["Łask".encode("iso8859-2") + b" \xb1"]
    write_dbf(dbf, values, width=8)
    with pytest.raises(InputError, match="ambiguous"):
        decide(dbf)


def test_a_forced_encoding_wins_but_must_decode(dbf):
    write_dbf(dbf, [POLISH.encode("iso8859-2")])
    assert decide(dbf, forced="iso8859-2") == "iso8859-2"
    with pytest.raises(InputError, match="not valid utf-8"):
        decide(dbf, forced="utf-8")
    with pytest.raises(InputError, match="unknown text encoding 'klingon'"):
        decide(dbf, forced="klingon")


def test_a_dbf_shorter_than_its_records_is_refused(dbf):
    write_dbf(dbf, [b"a", b"b", b"c"])
    dbf.write_bytes(dbf.read_bytes()[:-50])
    with pytest.raises(InputError, match="declares 3 records but holds only 1"):
        read_dbf_header(dbf)


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("UTF-8", "utf-8"),
        ("utf8", "utf-8"),
        ("1250", "cp1250"),
        ("ANSI 1250", "cp1250"),
        ("CP1250", "cp1250"),
        ("88592", "iso8859-2"),
        ("ISO-8859-2", "iso8859-2"),
        ("852", "cp852"),
        ("nonsense", None),
    ],
)
def test_cpg_names(text, codec):
    assert cpg_codec(text) == codec


# ---- through the reader: what reaches a record ---------------------------------------------
TEXT_PROFILE = Profile(
    name="text",
    table="parcel",
    namespace="PL.PZGiK.9999.TEST",
    fields={"parcel_id": "ID_DZIALKI", "area_ha": "POLE", "land_register_no": "OPIS"},
)


def write_shapefile(folder: Path, encoding: str, text: str = LETTERS) -> Path:
    """A one-parcel shapefile whose OPIS field holds ``text`` in ``encoding`` (with .cpg)."""
    path = folder / "dzialki.shp"
    square = Polygon([(509000, 414000), (509100, 414000), (509100, 414100), (509000, 414000)])
    fields = [
        np.array(["100302_4.0001.12"], dtype=object),
        np.array([0.5]),
        np.array([text], dtype=object),
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        write(
            path,
            np.array([shapely.to_wkb(square)], dtype=object),
            fields,
            ["ID_DZIALKI", "POLE", "OPIS"],
            driver="ESRI Shapefile",
            geometry_type="Polygon",
            crs="EPSG:2180",
            encoding=encoding,
        )
    return path


def set_ldid(dbf: Path, ldid: int) -> None:
    data = bytearray(dbf.read_bytes())
    data[29] = ldid
    dbf.write_bytes(bytes(data))


def read_text(path: Path) -> str:
    [(_, record)] = list(VectorReader(path, TEXT_PROFILE))
    return record["land_register_no"]


def test_round_trip_cp1250_without_cpg(tmp_path):
    shp = write_shapefile(tmp_path, "CP1250")
    shp.with_suffix(".cpg").unlink()
    assert read_text(shp) == LETTERS


def test_round_trip_cpg_1250(tmp_path):
    shp = write_shapefile(tmp_path, "CP1250")
    shp.with_suffix(".cpg").write_text("1250")
    assert read_text(shp) == LETTERS


def test_round_trip_utf8_with_a_wrong_ldid(tmp_path):
    """GDAL alone would read LDID 0x57 as ISO-8859-1 and store 'Ä…Ä‡Ä™Å‚…'."""
    shp = write_shapefile(tmp_path, "UTF-8")
    shp.with_suffix(".cpg").unlink()
    set_ldid(shp.with_suffix(".dbf"), 0x57)
    reader = VectorReader(shp, TEXT_PROFILE)
    [(_, record)] = list(reader)
    assert record["land_register_no"] == LETTERS
    assert "encoding_hint_overruled" in {f.code for f in reader.findings}


def test_round_trip_utf8_under_a_cpg_saying_1250(tmp_path):
    shp = write_shapefile(tmp_path, "UTF-8")
    shp.with_suffix(".cpg").write_text("1250")
    assert read_text(shp) == LETTERS


def test_an_ambiguous_shapefile_is_refused_by_the_reader(tmp_path):
    shp = write_shapefile(tmp_path, "ISO-8859-2")
    shp.with_suffix(".cpg").unlink()
    with pytest.raises(InputError, match=r"^dzialki\.dbf: ambiguous text encoding"):
        list(VectorReader(shp, TEXT_PROFILE))
    assert read_text_forced(shp, "iso8859-2") == LETTERS


def read_text_forced(path: Path, encoding: str) -> str:
    [(_, record)] = list(VectorReader(path, TEXT_PROFILE, encoding=encoding))
    return record["land_register_no"]
