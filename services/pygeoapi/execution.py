"""The body of a process execution (``POST /processes/{id}/execution``), checked first.

pygeoapi reads any JSON it is given. Refused here: anything but a small JSON object, keys
other than ``inputs``, ``outputs`` and ``response`` — above all ``subscriber``, whose
callback URLs pygeoapi's job manager would call from our server (a request forgery,
and we claim no callback conformance class).
"""

from __future__ import annotations

import io
import json
from typing import Any

from geoportal.text import Text
from services.edge.failures import Failure, Refusal

MAX_EXECUTION_BODY = 512 * 1024  # 10,000 coordinate pairs fit; a mistake or an attack does not
ALLOWED_KEYS = frozenset({"inputs", "outputs", "response"})
_NO_LENGTH = Text(pl="Wymagany nagłówek Content-Length", en="Content-Length required")
_TOO_LARGE = Text(pl="Zbyt duże zapytanie", en="request body too large")


def check_execution_body(environ: dict[str, Any]) -> None:
    """Read and check the body; put it back for pygeoapi, or raise :class:`Refusal`."""
    content_type = environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise _bad("wykonanie procesu przyjmuje JSON", "execution takes a JSON body")
    length = environ.get("CONTENT_LENGTH") or ""
    if not length.isdigit():
        raise Refusal(Failure.LENGTH_REQUIRED, _NO_LENGTH)
    if int(length) > MAX_EXECUTION_BODY:
        raise Refusal(Failure.TOO_LARGE, _TOO_LARGE)
    body = environ["wsgi.input"].read(int(length))
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise _bad("treść nie jest poprawnym JSON", "the body is not valid JSON") from exc
    if not isinstance(document, dict) or not isinstance(document.get("inputs", {}), dict):
        raise _bad("oczekiwany obiekt z polem inputs", "expected an object with inputs")
    unknown = sorted(set(document) - ALLOWED_KEYS)
    if unknown:
        raise _bad(f"nieobsługiwane pola: {unknown[:3]}", f"unsupported fields: {unknown[:3]}")
    environ["wsgi.input"] = io.BytesIO(body)


def _bad(pl: str, en: str) -> Refusal:
    return Refusal(Failure.BAD_PARAMETER, Text(pl=pl, en=en))
