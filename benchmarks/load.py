"""Concurrent load for throughput benchmarks: wrk, cycling through a list of paths.

wrk (C, one event loop per thread) takes a few per cent of a core for thousands of
requests a second; the Python clients used before (threads with ``requests``, or eight
processes writing prepared requests on raw sockets) took most of one of the two cores
the servers share here, so they measured themselves as much as the server. ``make
bench`` installs wrk (``scripts/bootstrap.sh --bench``).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

DURATION_S = 10
THREADS = 1  # one event loop keeps 16 connections busy and leaves the cores to the servers

# Each wrk thread runs its own copy: the paths in turn, from a different start per thread.
SCRIPT = """
local paths = %(paths)s
local position = 0
function setup(thread) thread:set("start", math.random(#paths)) end
function init(args)
  position = tonumber(start) or 1
  for name, value in pairs(%(headers)s) do wrk.headers[name] = value end
end
function request()
  position = position %% #paths + 1
  return wrk.format("GET", paths[position])
end
function done(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%d\\n", summary.requests,
    summary.errors.status, summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout))
end
"""


class LoadError(RuntimeError):
    """The load run failed: wrk missing, error answers or socket errors."""


def rate(
    urls: list[str],
    connections: int,
    headers: dict[str, str] | None = None,
    seconds: int = DURATION_S,
) -> float:
    """Successful answers per second of ``connections`` keep-alive connections cycling
    through ``urls`` (one server) for ``seconds``; any error answer fails."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise LoadError("wrk is not installed: run `make setup-bench`")
    parts = [urlsplit(url) for url in urls]
    base = f"{parts[0].scheme}://{parts[0].netloc}"
    if any(f"{part.scheme}://{part.netloc}" != base for part in parts):
        raise LoadError("every URL of one load run must go to one server")
    paths = [part.path + (f"?{part.query}" if part.query else "") for part in parts]
    script = SCRIPT % {"paths": _lua(paths), "headers": _lua_table(headers or {})}
    with tempfile.TemporaryDirectory() as tmp:
        script_file = Path(tmp) / "paths.lua"
        script_file.write_text(script, encoding="utf-8")
        argv = [wrk, f"-t{THREADS}", f"-c{connections}", f"-d{seconds}s",
                "--timeout", "30s", "-s", str(script_file), base]  # fmt: skip
        output = subprocess.run(argv, check=True, capture_output=True, text=True).stdout
    return _rate(output)


def _rate(output: str) -> float:
    found = re.search(r"^RESULT (\d+) (\d+) (\d+)$", output, re.MULTILINE)
    per_second = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    if found is None or per_second is None:
        raise LoadError(f"wrk printed no result:\n{output}")
    requests_, bad_status, socket_errors = map(int, found.groups())
    if bad_status or socket_errors or not requests_:
        raise LoadError(f"{bad_status} error answers, {socket_errors} socket errors:\n{output}")
    return float(per_second.group(1))


def _lua(values: list[str]) -> str:
    return "{" + ", ".join(json.dumps(value) for value in values) + "}"


def _lua_table(mapping: dict[str, str]) -> str:
    return "{" + ", ".join(f"[{json.dumps(k)}] = {json.dumps(v)}" for k, v in mapping.items()) + "}"
