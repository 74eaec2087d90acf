"""The peers a user would pick instead of us, and the load that compares us with them.

TiPg (the PostGIS OGC API server for features and vector tiles) runs from a virtualenv
of its own (``var/bench-tools/tipg``, created on first use: its FastAPI/pydantic pins are
not ours) under uvicorn with one worker per core, on the embedded cluster's ``publish``
schema. :func:`paired_throughput` drives both sides in turns with the same load
(``benchmarks/load.py``).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from benchmarks.instance import free_port
from benchmarks.load import rate
from geoportal.instance import Instance
from geoportal.settings import PROJECT_ROOT

TIPG_VENV = PROJECT_ROOT / "var" / "bench-tools" / "tipg"
TIPG_APP = """
# TiPg on the embedded cluster's socket: asyncpg takes the directory as host=.
import os

import asyncpg

_create_pool = asyncpg.create_pool


def _on_socket(dsn, **kwargs):
    return _create_pool(dsn, host=os.environ["BENCH_PGHOST"],
                        port=int(os.environ["BENCH_PGPORT"]), **kwargs)


asyncpg.create_pool = _on_socket
from tipg.main import app  # noqa: E402
"""
CLIENTS = 8  # keep-alive connections of the load generator
ROUNDS, ROUND_S = 4, 5  # paired throughput: runs of each side, seconds each


def paired_throughput(
    ours: list[str], peer: list[str], ours_headers: dict[str, str] | None = None
) -> tuple[float, float]:
    """Requests per second of ``CLIENTS`` connections cycling through each list of URLs:
    the median of ``ROUNDS`` short runs taken in turns (which side goes first alternates).

    One run of each, one after the other, gave the same peer 81 and 117 answers a second
    in two minutes of this shared machine; in turns, both meet the same minutes.
    """
    sides = ((ours, ours_headers), (peer, None))
    for urls, headers in sides:  # warm both sides the same way: every URL once
        for url in urls:
            requests.get(url, headers=headers, timeout=60)
    runs: tuple[list[float], list[float]] = ([], [])
    for turn in range(ROUNDS):
        for index in (0, 1) if turn % 2 == 0 else (1, 0):
            urls, headers = sides[index]
            runs[index].append(rate(urls, CLIENTS, headers, ROUND_S))
    return statistics.median(runs[0]), statistics.median(runs[1])


@contextmanager
def tipg_server(instance: Instance) -> Iterator[str]:
    """TiPg serving the ``publish`` schema on a free port; yields its base URL."""
    python = _tipg_python()
    port = free_port()
    params = instance.database.params("owner")
    # TiPg's settings insist on a URL with a host, and asyncpg then ignores ?host=: a small
    # module (TIPG_APP) hands asyncpg the socket directory of the embedded cluster itself.
    env = os.environ | {
        "DATABASE_URL": f"postgresql://{params['user']}@localhost/{params['dbname']}",
        "TIPG_DB_SCHEMAS": '["publish"]',
        "BENCH_PGHOST": params["host"],
        "BENCH_PGPORT": params["port"],
    }
    (TIPG_VENV / "tipg_on_socket.py").write_text(TIPG_APP, encoding="utf-8")
    env["PYTHONPATH"] = str(TIPG_VENV)  # every uvicorn worker imports the patched app
    process = subprocess.Popen(
        [str(python), "-m", "uvicorn", "tipg_on_socket:app", "--host", "127.0.0.1",
         "--port", str(port), "--workers", str(os.cpu_count() or 2), "--log-level", "warning"],
        env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{base}/collections", process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def _tipg_python() -> Path:
    python = TIPG_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(TIPG_VENV)], check=True)
        subprocess.run([str(TIPG_VENV / "bin" / "pip"), "install", "-q", "tipg", "uvicorn"],
                       check=True)  # fmt: skip
    return python


def _wait_for(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"TiPg exited with {process.returncode}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"TiPg did not answer {url}")
