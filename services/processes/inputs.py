"""Reading a process's inputs: what is wrong is a 400 with a message, never a 500."""

from __future__ import annotations

import math
from http import HTTPStatus
from typing import Any

from pygeoapi.process.base import ProcessorExecuteError


class InputError(ProcessorExecuteError):
    """A bad input: 400 ``InvalidParameterValue`` with a Polish / English message."""

    http_status_code = HTTPStatus.BAD_REQUEST
    ogc_exception_code = "InvalidParameterValue"

    def __init__(self, pl: str, en: str):
        super().__init__(user_msg=f"{pl} / {en}")


def choice(data: dict[str, Any], name: str, options: tuple[str, ...], default: str) -> str:
    """A string input that must be one of ``options``."""
    value = data.get(name, default)
    if not isinstance(value, str) or value not in options:
        raise InputError(f"{name}: dozwolone {', '.join(options)}", f"{name}: one of {options}")
    return value


def points(data: dict[str, Any], name: str, limit: int) -> list[tuple[float, float]]:
    """A list of [a, b] pairs of finite numbers, at most ``limit`` of them."""
    value = data.get(name)
    if not isinstance(value, list) or not 1 <= len(value) <= limit:
        raise InputError(f"{name}: lista od 1 do {limit} par liczb",
                         f"{name}: a list of 1 to {limit} number pairs")  # fmt: skip
    pairs = []
    for item in value:
        if not (isinstance(item, list) and len(item) == 2 and all(_finite(v) for v in item)):
            raise InputError(f"{name}: każdy punkt to [liczba, liczba]",
                             f"{name}: every point is [number, number]")  # fmt: skip
        pairs.append((float(item[0]), float(item[1])))
    return pairs


def _finite(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
