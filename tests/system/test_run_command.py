"""``geoportal run``: comes up, prints the service URLs, and Ctrl-C leaves nothing behind."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from geoportal.database import Database
from geoportal.instance import Instance
from geoportal.settings import PROJECT_ROOT, Settings
from services.catalogue import service_entries
from web.server import port_is_free

pytestmark = pytest.mark.system
RUN_VAR = PROJECT_ROOT / "var" / "test-run"
PORT, PG_PORT = 18766, 5434


URL_LINES = 3 + len(service_entries(Instance()))


def _start(env: dict[str, str]) -> tuple[subprocess.Popen[str], list[str]]:
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("geoportal")), "run", "--no-seed"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    lines: list[str] = []
    deadline = time.monotonic() + 180
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            pytest.fail("geoportal run exited early:\n" + "".join(lines[-20:]))
        lines.append(line)
        if "Ctrl-C stops it" in line:
            for _ in range(URL_LINES):  # the viewer, the lists, then one line per service
                lines.append(process.stdout.readline())
            return process, lines
    process.kill()
    pytest.fail("geoportal run did not come up:\n" + "".join(lines[-20:]))


def _stop_with_ctrl_c(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == 0


@pytest.fixture(scope="module")
def run_env():
    settings = Settings(var_dir=RUN_VAR, pg_port=PG_PORT, port=PORT)
    Database(settings).cluster.destroy()
    shutil.rmtree(RUN_VAR, ignore_errors=True)
    env = os.environ | {
        "GEOPORTAL_VAR_DIR": str(RUN_VAR), "GEOPORTAL_PG_PORT": str(PG_PORT),
        "GEOPORTAL_PORT": str(PORT), "GEOPORTAL_DEMO_PARCELS": "300",
    }  # fmt: skip
    yield settings, env
    Database(settings).cluster.destroy()
    shutil.rmtree(RUN_VAR, ignore_errors=True)


def test_run_serves_stops_cleanly_and_restarts_from_what_exists(run_env):
    settings, env = run_env
    process, lines = _start(env)
    try:
        output = "".join(lines)
        for path in ("/ows?SERVICE=WMS", "/ows?SERVICE=WFS", "/wmts/1.0.0/", "/ogc", "/tms/"):
            assert f"http://127.0.0.1:{PORT}{path}" in output
        assert requests.get(f"http://127.0.0.1:{PORT}/ready", timeout=10).status_code == 200
        with Database(settings).connect("owner") as conn:  # the default is crash-safe
            durability = conn.execute(
                "SELECT current_setting('fsync'), current_setting('full_page_writes'),"
                " current_setting('synchronous_commit')"
            ).fetchone()
        assert durability == ("on", "on", "on")
    finally:
        _stop_with_ctrl_c(process)
    assert not Database(settings).cluster.is_running(), "PostgreSQL outlived Ctrl-C"
    assert port_is_free("127.0.0.1", PORT), "gunicorn outlived Ctrl-C"

    started = time.monotonic()
    process, lines = _start(env)
    elapsed = time.monotonic() - started
    _stop_with_ctrl_c(process)
    assert not any("generating the demo county" in line for line in lines)
    assert elapsed < 30, f"the second run took {elapsed:.0f} s to come up"
    assert not Database(settings).cluster.is_running()
