"""The runnable examples in the case modules' docstrings are true."""

from __future__ import annotations

import doctest

import pytest

from geoportal.cases import calendar, canonical, marks


@pytest.mark.parametrize("module", [calendar, canonical, marks])
def test_docstring_examples_run(module):
    assert doctest.testmod(module).failed == 0
