"""Jinja2 environment for the protocol documents under ``services/templates``.

Engine configurations are templates rather than string literals in code, so a reviewer
reads the document the engine will read. Rendering is strict (an unknown variable is an
error, not an empty string) and deterministic (no dates, no paths), because the output is
committed and compared byte for byte by ``geoportal config check``.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"


def mapfile_string(value: object) -> str:
    """Quote a value as a MapServer mapfile string literal.

    The mapfile lexer accepts backslash escapes inside double quotes; a newline would end
    the token, so it is refused rather than silently changing the document.
    """
    text = str(value)
    if "\n" in text or "\r" in text:
        raise ValueError(f"mapfile strings cannot span lines: {text!r}")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def yaml_value(value: object) -> str:
    """A JSON literal, which YAML reads as the same value (Polish letters kept readable)."""
    return json.dumps(value, ensure_ascii=False)


def escape_brackets(value: object) -> Markup:
    """HTML-escape and also hide ``[``/``]``, which MapServer templates read as tags."""
    return Markup(str(escape(value)).replace("[", "&#91;").replace("]", "&#93;"))


def _autoescape(name: str | None) -> bool:
    return name is not None and (".html" in name or ".xml" in name)


@cache
def environment() -> Environment:
    """The shared environment: HTML/XML templates autoescape, mapfile and YAML do not."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        undefined=StrictUndefined,
        autoescape=_autoescape,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["ms"] = mapfile_string
    env.filters["brackets"] = escape_brackets
    env.filters["json"] = yaml_value
    return env


def render(template: str, **context: Any) -> str:
    """Render one template from ``services/templates`` with the given context."""
    return environment().get_template(template).render(**context)
