"""The texts of the gettext catalogues, read straight from the ``.po`` files.

Tests compare pages with these, not with what the code under test looks up: a page
that showed a msgid, the other language or an unfilled ``%(seat)s`` would differ.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

from geoportal.instance import Instance
from geoportal.settings import Settings
from geoportal.site import Site
from web.language import site_examples

TRANSLATIONS = Path(__file__).resolve().parents[1] / "web" / "translations"


@cache
def catalogue(language: str) -> dict[str, str]:
    """msgid → msgstr of one language, as written in its ``messages.po``."""
    path = TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po:
        return {message.id: message.string for message in read_po(po) if message.id}


class _Kept(dict[str, object]):
    """Values for ``%``-formatting that keep a placeholder nobody filled as it is."""

    def __missing__(self, name: str) -> str:
        return f"%({name})s"


def strings(language: str, site: Site, **values: object) -> dict[str, str]:
    """Every text of ``language`` with the county's examples (and ``values``) filled in."""
    filled = _Kept(site_examples(site) | values)
    return {key: text % filled for key, text in catalogue(language).items()}


def gettext_in(language: str, site: Site) -> Callable[..., str]:
    """A ``gettext(key, **values)`` of one language, for code that is handed one."""
    return lambda key, **values: strings(language, site, **values)[key]


@contextmanager
def in_page(language: str) -> Iterator[None]:
    """Inside a request for a page in ``language``: what gettext and Babel need. No
    database answers (port 9); the code under test must not need one."""
    from web.app import create_flask_app

    app = create_flask_app(Instance(Settings(pg_port=9)))
    with app.test_request_context(f"/?lang={language}"):
        yield
