"""Case marks: the official form read and written strictly."""

from __future__ import annotations

import pytest

from geoportal.cases.errors import MarkError
from geoportal.cases.marks import CaseMark


@pytest.mark.parametrize(
    ("text", "unit", "department", "jrwa", "seq", "year"),
    [
        ("GK.6640.15.2026", "GK", "GK", "6640", 15, 2026),
        ("GK-I.6640.15.2026", "GK-I", "GK", "6640", 15, 2026),
        ("GK-I-2.6640.1.2027", "GK-I-2", "GK", "6640", 1, 2027),
        ("OŚ.6220.3.2026", "OŚ", "OŚ", "6220", 3, 2026),
        ("PODGiK.6640.2382.2020", "PODGiK", "PODGiK", "6640", 2382, 2020),
        ("AB.0052.7.2026", "AB", "AB", "0052", 7, 2026),
    ],
)
def test_marks_read_and_write_back(text, unit, department, jrwa, seq, year):
    mark = CaseMark.parse(text)
    assert (mark.unit, mark.department, mark.jrwa, mark.seq, mark.year) == (
        unit, department, jrwa, seq, year)  # fmt: skip
    assert str(mark) == text


@pytest.mark.parametrize(
    "text",
    [
        "GK.6640.015.2026",  # leading zero
        "GK.6640.0.2026",  # no case 0
        "gk.6640.1.2026",  # unit from a capital
        "GK..1.2026",
        "GK.66401.1.2026",  # JRWA has at most four digits
        "GK.66a0.1.2026",
        "PODGiK.6640.1.2382.2020",  # five parts: refused, not guessed
        "GK.6640.1.26",
        "GK-.6640.1.2026",
        "GK-i.6640.1.2026",  # sub-units are capitals or digits
        "GK/I.6640.1.2026",
        " GK.6640.1.2026",
        "GK.6640.1.2026\n",
        "GK.6640.١.2026",  # an Arabic-Indic digit
        "GK 6640 1 2026",
        "",
    ],
)
def test_anything_else_is_refused(text):
    with pytest.raises(MarkError):
        CaseMark.parse(text)


@pytest.mark.parametrize(
    ("unit", "jrwa", "seq", "year"),
    [("gk", "6640", 1, 2026), ("GK", "66400", 1, 2026), ("GK", "6640", 0, 2026),
     ("GK", "6640", 2**31, 2026), ("GK", "6640", 1, 26), ("GK", 6640, 1, 2026)],
)  # fmt: skip
def test_a_mark_is_never_built_from_bad_parts(unit, jrwa, seq, year):
    with pytest.raises(MarkError):
        CaseMark(unit, jrwa, seq, year)


def test_marks_are_values():
    assert CaseMark.parse("GK.6640.2.2026") == CaseMark("GK", "6640", 2, 2026)
    assert len({CaseMark.parse("GK.6640.2.2026"), CaseMark("GK", "6640", 2, 2026)}) == 1
    with pytest.raises(MarkError):
        CaseMark.parse(None)  # type: ignore[arg-type]
