"""Our OpenAPI document with its remote ``$ref``s answered from vendored OGC files.

pygeoapi's document refers to schemas.opengis.net and raw.githubusercontent.com, which
are unreachable here. ``tests/fixtures/ogc-openapi`` holds copies of those files laid
out by URL (see its PROVENANCE); every remote target is copied into the document under
``x-vendored`` and its ``$ref`` pointed there, so validators and schemathesis need no
network. A target missing from the copies fails loudly instead of being skipped.
"""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin, urlparse

import yaml

VENDORED = Path(__file__).parents[1] / "fixtures" / "ogc-openapi"
HOISTED = "x-vendored"


@cache
def _load(url: str) -> Any:
    parsed = urlparse(url)
    path = VENDORED / parsed.netloc / parsed.path.lstrip("/")
    if not path.is_file():
        raise FileNotFoundError(f"{url} is not vendored under {VENDORED}")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _pointer(document: Any, fragment: str) -> Any:
    node = document
    for part in [p for p in fragment.split("/") if p]:
        key = unquote(part).replace("~1", "/").replace("~0", "~")
        node = node[int(key)] if isinstance(node, list) else node[key]
    return node


class _Bundler:
    def __init__(self, document: dict[str, Any]):
        self.document = document
        self.names: dict[str, str] = {}
        document.setdefault(HOISTED, {})

    def walk(self, node: Any, base: str | None) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                node["$ref"] = self.target(ref, base)
            for key, value in node.items():
                if key != "$ref":
                    self.walk(value, base)
        elif isinstance(node, list):
            for item in node:
                self.walk(item, base)

    def target(self, ref: str, base: str | None) -> str:
        absolute = urljoin(base, ref) if base else ref
        if not absolute.startswith(("http://", "https://")):
            return ref  # a pointer into our own document
        if absolute not in self.names:
            name = f"r{len(self.names)}"
            self.names[absolute] = name  # before walking: targets may refer to themselves
            url, fragment = urldefrag(absolute)
            content = copy.deepcopy(_pointer(_load(url), fragment))
            self.document[HOISTED][name] = content
            self.walk(content, url)
        return f"#/{HOISTED}/{self.names[absolute]}"


def local_openapi(document: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``document`` whose remote references all point inside it."""
    bundled = copy.deepcopy(document)
    _Bundler(bundled).walk(bundled, None)
    return bundled


def remote_refs(node: Any) -> list[str]:
    """Every ``$ref`` left that would need the network."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        found = [ref] if isinstance(ref, str) and ref.startswith(("http:", "https:")) else []
        return found + [r for value in node.values() for r in remote_refs(value)]
    if isinstance(node, list):
        return [r for item in node for r in remote_refs(item)]
    return []
