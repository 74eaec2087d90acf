"""Run gunicorn as a child process and wait until the application is ready."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from geoportal.settings import Settings


class ServerError(RuntimeError):
    """The web server did not come up."""


def port_is_free(host: str, port: int) -> bool:
    """True when nothing listens on host:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        return probe.connect_ex((host, port)) != 0


def start_gunicorn(settings: Settings, log_dir: Path) -> subprocess.Popen[bytes]:
    """Start gunicorn serving ``web.wsgi:application`` with threaded workers."""
    if not port_is_free(settings.host, settings.port):
        raise ServerError(f"port {settings.host}:{settings.port} is already in use "
                          "(set GEOPORTAL_PORT to use another)")  # fmt: skip
    log_dir.mkdir(parents=True, exist_ok=True)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    argv = [
        str(gunicorn), "web.wsgi:application",
        "--bind", f"{settings.host}:{settings.port}",
        "--workers", str(settings.workers), "--threads", str(settings.threads),
        "--worker-class", "gthread", "--timeout", "120", "--graceful-timeout", "10",
        # gunicorn's 2 s closed a desktop client's idle connection just as it sent its next
        # request; a POST is not retried, so it failed ("Remote end closed connection").
        # nginx's 75 s: idle connections wait in gthread's poller, not in a thread.
        "--keep-alive", "75",
        "--no-control-socket",
        "--access-logfile", str(log_dir / "access.log"),
        "--error-logfile", str(log_dir / "gunicorn.log"),
    ]  # fmt: skip
    env = os.environ | settings.environment()
    # Own process group: Ctrl-C in the terminal reaches us, and we stop gunicorn in order.
    return subprocess.Popen(argv, env=env, process_group=0)


def wait_ready(settings: Settings, process: subprocess.Popen[bytes], timeout: float = 90) -> None:
    """Poll ``/ready`` until it answers 200; fail early if gunicorn died."""
    deadline = time.monotonic() + timeout
    url = f"http://{settings.host}:{settings.port}/ready"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerError(f"gunicorn exited with {process.returncode}; "
                              f"see {settings.var_dir / 'log' / 'gunicorn.log'}")  # fmt: skip
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (our own URL)
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    raise ServerError(f"{url} not ready after {timeout:.0f} s")


def stop_gunicorn(process: subprocess.Popen[bytes]) -> None:
    """Graceful stop (SIGTERM), then SIGKILL if workers hang."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
