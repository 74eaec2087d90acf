"""Start and stop the job worker as a child process, beside gunicorn."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from geoportal.settings import Settings

STOP_TIMEOUT_S = 30.0


def start_worker(settings: Settings, log_dir: Path) -> subprocess.Popen[bytes]:
    """The worker process, logging to ``log_dir/worker.log``, in its own process group."""
    log_dir.mkdir(parents=True, exist_ok=True)
    env = os.environ | settings.environment()
    with open(log_dir / "worker.log", "ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "services.jobs.worker"], env=env, stdout=log,
            stderr=subprocess.STDOUT, process_group=0,
        )  # fmt: skip


def stop_worker(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM (running jobs may finish), then SIGKILL of its group if it hangs."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
