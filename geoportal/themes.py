"""Themes: how the layers are grouped for people (the viewer's layer tree).

``layers/themes.yaml`` names the themes in the tree's order with their titles; each layer
of the catalog and each raster names its theme (``theme:``). A theme named by a layer but
missing from the file is an error; a layer naming none falls into :data:`OTHER`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from geoportal.catalog import CatalogError
from geoportal.text import Text

THEMES_FILE = "themes.yaml"
OTHER = "inne"  # the theme of layers that name none
OTHER_TITLE = Text(pl="Inne warstwy", en="Other layers")
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,30}$")


class Theme(BaseModel):
    """One theme: its key (what ``theme:`` names) and title."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    title: Text


def load_themes(folder: Path, named: Iterable[tuple[str, str | None]] = ()) -> list[Theme]:
    """The themes of ``folder/themes.yaml`` in order (plus :data:`OTHER` when a layer names
    none), checked against ``named``: (layer id, theme) of every layer and raster."""
    path = folder / THEMES_FILE
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}
        if not isinstance(raw or {}, dict):
            raise ValueError("the file must map theme keys to definitions")
        themes = [_theme(key, spec) for key, spec in (raw or {}).items()]
    except (yaml.YAMLError, ValidationError, ValueError, TypeError) as exc:
        raise CatalogError(f"{THEMES_FILE}: {exc}") from exc
    keys = {theme.id for theme in themes}
    named = list(named)
    unknown = sorted(f"{layer} ({theme})" for layer, theme in named if theme and theme not in keys)
    if unknown:
        raise CatalogError(f"{THEMES_FILE}: no theme for {', '.join(unknown)}")
    if any(theme is None for _, theme in named):
        themes.append(Theme(id=OTHER, title=OTHER_TITLE))
    return themes


def _theme(key: object, spec: object) -> Theme:
    if not isinstance(key, str) or not _KEY.match(key) or key == OTHER:
        raise ValueError(f"theme key {key!r} must match {_KEY.pattern} and not be {OTHER!r}")
    if not isinstance(spec, dict):
        raise ValueError(f"{key}: a theme is a mapping with a title")
    return Theme.model_validate({**spec, "id": key})
