"""Which action a load takes for each check, per source (``etl/policy.yaml``)."""

from __future__ import annotations

import fnmatch
from pathlib import Path
from typing import get_args

import yaml

from etl.checks.model import Action

POLICY_FILE = Path(__file__).resolve().parent.parent / "policy.yaml"


class PolicyError(ValueError):
    """The policy file names an unknown check or action."""


class Policy:
    """Actions by check: the default section, then the first matching source section."""

    def __init__(self, default: dict[str, Action], sources: dict[str, dict[str, Action]]):
        self.default, self.sources = default, sources

    @classmethod
    def load(cls, path: Path = POLICY_FILE, checks: set[str] | None = None) -> Policy:
        """Read and validate a policy file against the known checks and actions."""
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        default = raw.get("default") or {}
        sources = raw.get("sources") or {}
        for section in (default, *sources.values()):
            for check, action in section.items():
                if action not in get_args(Action):
                    raise PolicyError(f"{path.name}: {check}: unknown action {action!r}")
                if checks is not None and check not in checks:
                    raise PolicyError(f"{path.name}: unknown check {check!r}")
        return cls(default, sources)

    def action(self, check: str, namespaces: set[str], fallback: Action) -> Action:
        """The action for ``check`` on objects of ``namespaces`` (the strictest applies)."""
        actions = [self._for(check, namespace, fallback) for namespace in namespaces or {""}]
        return max(actions, key=_STRICTNESS.index)

    def _for(self, check: str, namespace: str, fallback: Action) -> Action:
        for pattern, section in self.sources.items():
            if fnmatch.fnmatchcase(namespace, pattern) and check in section:
                return section[check]
        return self.default.get(check, fallback)


_STRICTNESS: list[Action] = ["report", "repair", "quarantine", "refuse"]
