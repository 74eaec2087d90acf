"""Reading the case system's data files: YAML, then one pydantic schema, failing fast.

Rules of law that may change or were not verified against the legal text (holidays,
fees, deadlines, JRWA classes) live in YAML files beside this module, each with its
source. They are validated in stages like ``site.yaml``: syntax, then the schema
(unknown keys refused), then the model's own cross-checks; every message names the file
and the field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from geoportal.cases.errors import RulesError

HERE = Path(__file__).parent
M = TypeVar("M", bound=BaseModel)


class Strict(BaseModel):
    """Base of every data-file model: unknown keys are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def load_model(path: Path, model: type[M]) -> M:
    """Read ``path`` and validate it as ``model``; :class:`RulesError` says what is wrong."""
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RulesError(f"{path}: cannot read ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise RulesError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise RulesError(f"{path}: must be a mapping")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise RulesError(f"{path}: {describe(exc)}") from exc


def describe(error: ValidationError) -> str:
    """A pydantic error as ``field.path: message; …``."""
    problems = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or "(file)"
        problems.append(f"{where}: {item['msg'].removeprefix('Value error, ')}")
    return "; ".join(problems)
