"""The one canonical byte form of a JSON value, for hashes that must be recomputed later.

Receipts carry the SHA-256 of a submission and audit events are hash-chained; both are
recomputed from what PostgreSQL stores (``jsonb``), so the serialisation must give the
same bytes before and after a round trip: keys sorted, no insignificant whitespace,
UTF-8 text as is. Floats are refused: their text form is not stable across a ``jsonb``
round trip and money is never a float here (integer grosze).

>>> canonical_json({"b": 1, "a": ["ż", None, True]})
b'{"a":["\\xc5\\xbc",null,true],"b":1}'
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(value: Any) -> bytes:
    """``value`` as canonical JSON bytes; TypeError for anything but JSON without floats."""
    _check(value, "$")
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sha256_hex(value: Any) -> str:
    """SHA-256 of the canonical JSON of ``value``, as 64 lower-case hex digits."""
    return hashlib.sha256(canonical_json(value)).hexdigest()


def _check(value: Any, where: str) -> None:
    # bool is an int subclass and fine; float is the one JSON type we refuse.
    if value is None or isinstance(value, str | bool | int) and not isinstance(value, float):
        return
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _check(item, f"{where}[{index}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{where}: key {key!r} is not a string")
            _check(item, f"{where}.{key}")
        return
    raise TypeError(f"{where}: {type(value).__name__} has no canonical JSON form")
