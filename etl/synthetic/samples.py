"""A small demo county generated once per process, for tests and quick experiments.

``sample_county()`` writes ~400 parcels (6 obręby, one per unit) into a temporary folder in
a few seconds and returns the same folder on later calls in the same process, so several
test modules can share one generation. The folder is removed at interpreter exit.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path

from etl.synthetic.county import generate_demo_county


@functools.lru_cache(maxsize=4)
def sample_county(parcels: int = 400, seed: int = 1003) -> tuple[Path, tuple[Path, ...]]:
    """(folder, generated files) of a small county, generated on first use."""
    folder = Path(tempfile.mkdtemp(prefix=f"demo-county-{parcels}-{seed}-"))
    atexit.register(shutil.rmtree, folder, True)
    return folder, tuple(generate_demo_county(folder, parcels, seed, workers=1))
