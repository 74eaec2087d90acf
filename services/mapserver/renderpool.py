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
        self._killed = False

    @property
    def alive(self) -> bool:
        """Whether the process can still take jobs."""
        return not self._killed and self._process.is_alive()

    def call(self, job: Job, deadline_s: float) -> Result:
        """Send one job and wait for its result; ``TimeoutError`` after the deadline."""
        if not self._ready:
            self._receive(deadline_s)  # the "ready" of a fresh process (mapfile loaded)
            self._ready = True
        self._conn.send(job)
        result: Result = self._receive(deadline_s)
        return result

    def kill(self) -> None:
        """End the process now (a runaway render, a hung database, shutdown).

        The pipe stays open: a thread waiting on it is woken by the process's end (EOF);
        closing it under that thread's poll would leave the poll waiting forever.
        """
        self._killed = True
        self._process.kill()

    def discard(self) -> None:
        """Release the pipe of a killed renderer (no thread uses it any more)."""
        self._process.join(timeout=1)
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
        self._members: set[Renderer] = set()
        self._lock = threading.Lock()
        for _ in range(size):
            self._idle.put(self._start())

    def render(self, job: Job) -> Result:
        """Render on a free process; :class:`Refusal` when none frees up or it fails."""
        try:
            renderer = self._idle.get(timeout=self.queue_s)
        except queue.Empty:
            raise Refusal(Failure.BUSY, BUSY) from None
        if not renderer.alive:
            renderer = self._replace(renderer)
        try:
            return renderer.call(job, self.deadline_s)
        except (TimeoutError, EOFError, OSError) as exc:
            renderer.kill()  # replaced when next taken
            raise unavailable(Failure.SOURCE_UNAVAILABLE) from exc
        finally:
            self._idle.put(renderer)

    def interrupt(self) -> None:
        """Kill every renderer: the database stopped answering.

        Renders in flight end now (503); idle processes go too, because MapServer keeps
        its database connections open and would try the dead ones first. Each is
        replaced when next taken.
        """
        with self._lock:
            members = list(self._members)
        for renderer in members:
            renderer.kill()

    def close(self) -> None:
        """End every process (tests, shutdown)."""
        self.interrupt()

    def _start(self) -> Renderer:
        renderer = Renderer(self.setup)
        with self._lock:
            self._members.add(renderer)
        return renderer

    def _replace(self, dead: Renderer) -> Renderer:
        dead.kill()
        dead.discard()
        with self._lock:
            self._members.discard(dead)
        return self._start()
