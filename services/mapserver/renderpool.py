"""A fixed number of MapServer render processes per web process, and the rules of use.

Bounded concurrency: a request waits at most ``queue_s`` for a free renderer, then gets
503 with ``Retry-After`` (never a hang). A render that outlives ``deadline_s``, or whose
database stops answering (``interrupt``), is killed; its process is replaced before the
next render. Processes are started with ``spawn`` (never ``fork`` from a threaded web
process) and end when the web process closes their pipe or dies.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
from multiprocessing.process import BaseProcess

from geoportal.text import Text
from services.edge.failures import Failure, Refusal, unavailable
from services.mapserver.renderer import Job, RendererSetup, Result, serve

_CONTEXT = multiprocessing.get_context("spawn")
BUSY = Text(
    pl="Serwer map jest zajęty; spróbuj za chwilę", en="The map server is busy; retry shortly"
)


class Renderer:
    """One render process and the parent's end of its pipe."""

    def __init__(self, setup: RendererSetup):
        self._conn, child = _CONTEXT.Pipe()
        self._process: BaseProcess = _CONTEXT.Process(
            target=serve, args=(child, setup), daemon=True, name="geoportal-renderer"
        )
        self._process.start()
        child.close()
        self._ready = False

    @property
    def alive(self) -> bool:
        """Whether the process can still take jobs."""
        return self._process.is_alive() and not self._conn.closed

    def call(self, job: Job, deadline_s: float) -> Result:
        """Send one job and wait for its result; ``TimeoutError`` after the deadline."""
        if not self._ready:
            self._receive(deadline_s)  # the "ready" of a fresh process (mapfile loaded)
            self._ready = True
        self._conn.send(job)
        result: Result = self._receive(deadline_s)
        return result

    def kill(self) -> None:
        """End the process now (a runaway render, a hung database, shutdown)."""
        self._process.kill()
        self._conn.close()

    def _receive(self, timeout: float) -> Result:
        if not self._conn.poll(timeout):
            raise TimeoutError("render deadline passed")
        result: Result = self._conn.recv()
        return result


class RenderPool:
    """Renderers of one web process, handed out one request at a time."""

    def __init__(self, setup: RendererSetup, size: int, queue_s: float, deadline_s: float):
        self.setup, self.queue_s, self.deadline_s = setup, queue_s, deadline_s
        self._idle: queue.Queue[Renderer] = queue.Queue()
        self._busy: set[Renderer] = set()
        self._lock = threading.Lock()
        for _ in range(size):
            self._idle.put(Renderer(setup))

    def render(self, job: Job) -> Result:
        """Render on a free process; :class:`Refusal` when none frees up or it fails."""
        try:
            renderer = self._idle.get(timeout=self.queue_s)
        except queue.Empty:
            raise Refusal(Failure.BUSY, BUSY) from None
        if not renderer.alive:
            renderer = Renderer(self.setup)
        with self._lock:
            self._busy.add(renderer)
        try:
            return renderer.call(job, self.deadline_s)
        except (TimeoutError, EOFError, OSError) as exc:
            renderer.kill()  # replaced when next taken
            raise unavailable(Failure.SOURCE_UNAVAILABLE) from exc
        finally:
            with self._lock:
                self._busy.discard(renderer)
            self._idle.put(renderer)

    def interrupt(self) -> None:
        """Kill the renders in flight (their database stopped answering)."""
        with self._lock:
            busy = list(self._busy)
        for renderer in busy:
            renderer.kill()

    def close(self) -> None:
        """End every process (tests, shutdown)."""
        self.interrupt()
        while not self._idle.empty():
            self._idle.get_nowait().kill()
