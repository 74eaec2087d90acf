"""The gettext catalogues: complete in Polish and English, current with the code, compiled.

The msgids are read from the code and templates by Babel's own extraction with the
project's ``babel.cfg`` (what ``make translations`` runs), not listed by hand.
"""

from __future__ import annotations

import io
import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from web.language import LANGUAGES
from web.viewer.clienttexts import CLIENT_TEXTS

ROOT = Path(__file__).resolve().parents[2]
WEB, TRANSLATIONS = ROOT / "web", ROOT / "web" / "translations"
SITE_VALUES = {"seat", "parcel_example", "coordinates_example"}
PYTHON_PLACEHOLDER = re.compile(r"%\((\w+)\)s")
BRACE_PLACEHOLDER = re.compile(r"\{(\w+)\}")
LOOKUP = re.compile(r"\b(?:t|text|say)\(")  # the bundle's text look-ups (config.js t())
QUOTED_WORD = re.compile(r"['`\"]([a-z][a-z0-9_]*)['`\"]")


@cache
def _catalogue(language: str) -> Catalog:
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po)


@cache
def _extracted() -> frozenset[str]:
    """Every msgid the code and templates name (``_``, ``gettext``, ``N_``)."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = extract_from_dir(str(WEB), method_map, options_map)
    return frozenset(message for _file, _line, message, _comments, _context in found)


def _messages(language: str) -> dict[str, str]:
    return {m.id: m.string for m in _catalogue(language) if m.id}


def test_extraction_finds_the_texts_of_python_templates_and_the_tables() -> None:
    extracted = _extracted()
    # one of each: a view (Python), a template, a run-time table (N_), the viewer's list
    assert {"downloads_not_ready", "skip_to_map", "state_paid", "info_busy"} <= extracted


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogue_holds_exactly_the_msgids_of_the_code(language: str) -> None:
    """No msgid of the code is missing (it would show as its key); none is left over."""
    in_catalogue = set(_messages(language))
    assert sorted(_extracted() - in_catalogue) == [], "run `make translations`"
    assert sorted(in_catalogue - _extracted()) == [], "unused: run `make translations`"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_text_is_written_none_fuzzy_or_obsolete(language: str) -> None:
    catalogue = _catalogue(language)
    assert str(catalogue.locale) == language
    assert [m.id for m in catalogue if m.id and not m.string.strip()] == []
    assert [m.id for m in catalogue if m.id and m.fuzzy] == []
    assert list(catalogue.obsolete) == []


def test_polish_and_english_have_the_same_placeholders() -> None:
    polish, english = _messages("pl"), _messages("en")
    for key, text in polish.items():
        for pattern in (PYTHON_PLACEHOLDER, BRACE_PLACEHOLDER):
            assert set(pattern.findall(text)) == set(pattern.findall(english[key])), key


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_text_formats_with_its_values(language: str) -> None:
    """gettext %-formats every text: a stray ``%`` would fail on the page, not here."""
    for key, text in _messages(language).items():
        values = dict.fromkeys(PYTHON_PLACEHOLDER.findall(text) + list(SITE_VALUES), "X")
        assert "%" not in text % values, key


def test_the_javascript_gets_every_text_it_names() -> None:
    """The bundle looks texts up by msgid: each one it names must be in its configuration."""
    source = "\n".join(p.read_text(encoding="utf-8") for p in (WEB / "frontend/src").glob("*.js"))
    known = set(_messages("pl"))
    lookups = [line for line in source.splitlines() if LOOKUP.search(line)]
    named = {word for line in lookups for word in QUOTED_WORD.findall(line)}
    prefixes = re.findall(r"`([a-z][a-z0-9_]*_)\$\{", source)  # `measure_planar_${kind}`
    assert prefixes, "the families the bundle builds at run time"
    needed = (named & known) | {key for key in known if key.startswith(tuple(prefixes))}
    assert sorted(needed - set(CLIENT_TEXTS)) == []
    assert set(CLIENT_TEXTS) <= known


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_is_current(language: str) -> None:
    """The set-up compiles the .po files (scripts/bootstrap.sh); the .mo is what is served."""
    compiled = TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo"
    assert compiled.is_file(), "run scripts/bootstrap.sh"
    expected = io.BytesIO()
    write_mo(expected, _catalogue(language))
    assert compiled.read_bytes() == expected.getvalue(), "run scripts/bootstrap.sh"


def test_every_name_the_pages_look_up_at_run_time_has_a_text() -> None:
    """A new state, step, delivery, deadline kind or error status would show its msgid."""
    from typing import get_args

    from geoportal.cases.calendar import DeadlineRule
    from geoportal.cases.states import EDGES, State
    from web.eservices.failures import SHOWN
    from web.eservices.forms import DELIVERIES
    from web.eservices.texts import (
        ACTION_TEXTS,
        DEADLINE_TEXTS,
        DELIVERY_TEXTS,
        STATE_TEXTS,
        STATUS_TEXTS,
    )

    kinds = get_args(DeadlineRule.model_fields["kind"].annotation)
    assert set(STATE_TEXTS) == {f"state_{state}" for state in State}
    assert {f"action_{edge.action}" for edge in EDGES} <= set(ACTION_TEXTS)
    assert set(DELIVERY_TEXTS) == {f"delivery_{name}" for name in DELIVERIES}
    assert set(DEADLINE_TEXTS) == {f"deadline_{kind}" for kind in kinds}
    assert set(STATUS_TEXTS) == {f"error_{status}" for status in SHOWN}
