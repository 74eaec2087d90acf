"""The benchmarks are not run by the tests (they are not timed tests), but they must load:
a name one module renamed and another still imports is found here, not at the next
``make bench``."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.mark.parametrize("module", sorted(p.stem for p in BENCHMARKS.glob("*.py")))
def test_every_benchmark_module_imports(module):
    loaded = importlib.import_module(f"benchmarks.{module}")
    assert loaded.__doc__, f"benchmarks/{module}.py says what it measures"
