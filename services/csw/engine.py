"""pycsw, imported without its package ``__init__``: the one adapter module that loads it.

pycsw 2.6.2 is the newest release on the package index for this stack. Its ``__init__``
only reads its own version through ``pkg_resources.require``, which fails because the
release pins ``OWSLib<0.29`` (we run 0.35) although the modules we use (the CSW 2.0.2
protocol, OGC filters, the ISO profile's output) do not touch OWSLib's changed parts.
Its SQLAlchemy repository needs SQLAlchemy 1.x; ours (``services.csw.repository``) is
plugged in through pycsw's own ``repository.source`` option instead.
"""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from types import ModuleType

PYCSW_VERSION = "2.6.2"


@cache
def pycsw_server() -> ModuleType:
    """``pycsw.server`` (the ``Csw`` class), with the package registered by hand once."""
    if "pycsw" not in sys.modules:
        spec = importlib.util.find_spec("pycsw")
        if spec is None or not spec.submodule_search_locations:
            raise ModuleNotFoundError("pycsw is not installed")
        # A module with pycsw's own spec (so find_spec("pycsw") keeps working for
        # etl.gml.schemas in this process), never executed.
        package = importlib.util.module_from_spec(spec)
        package.__version__ = PYCSW_VERSION  # type: ignore[attr-defined]
        sys.modules["pycsw"] = package
    return importlib.import_module("pycsw.server")


def pycsw_module(name: str) -> ModuleType:
    """A pycsw module (``core.config``, ``core.util``…) after the package is registered."""
    pycsw_server()
    return importlib.import_module(f"pycsw.{name}")
