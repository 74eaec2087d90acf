"""Set-up as a normal user with packages missing: the exact apt-get line, no stack trace."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from geoportal.settings import PROJECT_ROOT

MISSING = "sl"  # a small Debian package the geoportal never installs


def _as_unprivileged(argv: list[str]) -> list[str]:
    return ["runuser", "-u", "nobody", "--", *argv] if os.geteuid() == 0 else argv


def test_missing_packages_lists_only_what_is_absent():
    result = subprocess.run(
        [str(PROJECT_ROOT / "scripts/missing-packages.sh"), "dpkg", MISSING, "bash"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert result.stdout.split() == [MISSING]


@pytest.fixture
def readable_checkout() -> Iterator[Path]:
    """The set-up scripts where an unprivileged user can read them (not under /root)."""
    folder = Path(tempfile.mkdtemp(prefix="geoportal-bootstrap-"))
    shutil.copytree(PROJECT_ROOT / "scripts", folder / "scripts")
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o755)
    yield folder
    shutil.rmtree(folder)


def test_unprivileged_setup_prints_the_apt_get_line_and_stops(readable_checkout):
    result = subprocess.run(
        _as_unprivileged(["bash", str(readable_checkout / "scripts/bootstrap.sh")]),
        capture_output=True, text=True, cwd=readable_checkout, timeout=60,
        env={**os.environ, "GEOPORTAL_EXTRA_PACKAGES": MISSING},
    )  # fmt: skip
    assert result.returncode == 1
    line = next(line for line in result.stderr.splitlines() if "apt-get install" in line)
    assert line.strip().startswith("apt-get update && apt-get install -y")
    assert line.split()[-1] == MISSING
    assert "Traceback" not in result.stderr
    assert "==>" not in result.stdout  # stopped before touching the venv or the bundle
