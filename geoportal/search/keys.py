"""Search keys: how names are folded so that "lask" finds "Łask".

The same rule is the SQL function ``data.search_key`` (migration 0005), which the search
views and their indexes use; ``tests/integration/test_search_views.py`` compares the two.
Letters with diacritics are folded to ASCII first (so the result does not depend on a
database collation's idea of lower case), every run of other signs becomes one space.

>>> search_key("  Łask 1 – Śródmieście ")
'lask 1 srodmiescie'
>>> street_key("ul. Żeromskiego")
'zeromskiego'
>>> prefix_range("lask")
('lask', 'lasl')
"""

from __future__ import annotations

import re

# Exactly the two strings of data.search_key's translate() in 0005_search.sql.
FOLD_FROM = (
    "ąćęłńóśźżáàâäãåāčçďéèêëěēíìîïīľĺňñòôöõőøřŕšşťúùûüůűūýÿžğ"
    "ĄĆĘŁŃÓŚŹŻÁÀÂÄÃÅĀČÇĎÉÈÊËĚĒÍÌÎÏĪĽĹŇÑÒÔÖÕŐØŘŔŠŞŤÚÙÛÜŮŰŪÝŸŽĞ"
)
FOLD_TO = (
    "acelnoszzaaaaaaaccdeeeeeeiiiiillnnoooooorrsstuuuuuuuyyzg"
    "ACELNOSZZAAAAAAACCDEEEEEEIIIIILLNNOOOOOORRSSTUUUUUUUYYZG"
)
_FOLD = str.maketrans(FOLD_FROM, FOLD_TO)
_OTHER = re.compile("[^A-Za-z0-9]+")
_STREET_TYPE = re.compile("^(ul|ulica|al|aleja|aleje|pl|plac|os|osiedle) ")
_NUMBER_OTHER = re.compile("[^0-9A-Za-z/]+")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def search_key(text: str) -> str:
    """Folded, lower-case ASCII words separated by single spaces."""
    return _OTHER.sub(" ", text.translate(_FOLD)).strip().translate(_ASCII_LOWER)


def street_key(text: str) -> str:
    """The search key of a street name without its leading type (ul., al., pl., os.)."""
    return _STREET_TYPE.sub("", search_key(text), count=1)


def number_key(text: str) -> str:
    """A house number without spaces or signs other than ``/``, lower case: '12 A' → '12a'."""
    return _NUMBER_OTHER.sub("", text).translate(_ASCII_LOWER)


def prefix_range(prefix: str) -> tuple[str, str]:
    """Bounds ``low <= key < high`` of the keys starting with ``prefix`` (byte order).

    Keys hold ASCII only, so raising the last sign by one is the smallest text after
    every continuation of the prefix.
    """
    if not prefix:
        raise ValueError("an empty prefix has no range")
    return prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)
