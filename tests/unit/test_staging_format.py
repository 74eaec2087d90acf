"""Values reach PostgreSQL's COPY text format without losing or injecting anything."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from shapely.geometry import Point

from etl.staging import _copy_text, _json_text


def test_null_and_scalars():
    assert _copy_text(None) == "\\N"
    assert _copy_text(True) == "t"
    assert _copy_text(Decimal("1.2345")) == "1.2345"
    assert _copy_text(dt.date(2024, 3, 1)) == "2024-03-01"


def test_text_cannot_break_the_row():
    assert _copy_text("a\tb\nc\\d\r") == "a\\tb\\nc\\\\d\\r"


def test_arrays_quote_their_items():
    # array literal {"12/3","x\"y","a,b"}, its backslash doubled by COPY text escaping
    assert _copy_text(["12/3", 'x"y', "a,b"]) == r'{"12/3","x\\"y","a,b"}'


def test_json_columns_stay_json():
    assert _json_text([{"ofu": "Ł", "area_ha": 1}]) == '[{"ofu": "Ł", "area_ha": 1}]'
    assert _json_text([]) == "[]"  # a parcel without klasoużytki: an array, not '{}'
    assert _json_text(None) == "\\N"


def test_geometry_is_ewkb_with_srid_2180():
    text = _copy_text(Point(500000, 400000))
    assert text.startswith("0101000020")  # little-endian point with SRID flag
    assert int.from_bytes(bytes.fromhex(text[10:18]), "little") == 2180
