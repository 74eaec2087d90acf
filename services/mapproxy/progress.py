"""Seeding progress a person can follow: tiles done of the total, rate and time left.

MapProxy's own log prints a share of a bounding box and its corners. Here every seeding
task is one level of one layer in one grid, its size (the tiles of the grid over the
task's area at that level) is counted before it starts, and MapProxy's share of the area
walked times that size is the tiles done. A line per task and level, and for the whole
run, Polish first with the English after a slash:

``dzialki PL1992 poziom/level 9: 96/96 kafli/tiles (100%), 410/s, zostało/ETA 0:00 |
razem/total 1 344/9 112 (15%), zostało/ETA 1:03``
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO


@dataclass(frozen=True)
class LevelTask:
    """One seeding task: a layer's tiles of one grid at one level over the seeding area."""

    layer: str
    grid: str
    level: int
    tiles: int  # tile positions of the grid over the area at this level


def tiles_over(task: Any) -> int:
    """Tile positions a MapProxy seed task of a single level covers (its area's bbox)."""
    grid = task.tile_manager.grid
    bbox = task.coverage.extent.bbox_for(grid.srs)
    _bbox, (columns, rows), _tiles = grid.get_affected_level_tiles(bbox, task.levels[0])
    return int(columns * rows)


def clock_text(seconds: float) -> str:
    """``m:ss`` or ``h:mm:ss`` (``--:--`` while no rate is known)."""
    if seconds != seconds or seconds == float("inf"):
        return "--:--"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _n(number: int) -> str:
    """A whole number with spaces between thousands, as Polish writes it (9 112)."""
    return f"{number:,}".replace(",", " ")


class SeedProgress:
    """The progress logger handed to MapProxy's seeder (same methods as its ProgressLog).

    The driver calls :meth:`start` before each task and :meth:`done` after it; MapProxy
    calls :meth:`log_step` for every metatile it queues and :meth:`log_progress` at levels.
    A line is written at most every ``interval`` seconds, and always when a task ends.
    """

    progress_store = None  # MapProxy's resumable-progress file: not used
    current_task_id = None

    def __init__(
        self,
        tasks: list[LevelTask],
        out: TextIO,
        interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.tasks, self.out, self.interval, self.clock = tasks, out, interval, clock
        self.total = sum(task.tiles for task in tasks)
        self.finished = 0  # tiles of the tasks already done
        self.started = self.task_started = self.last_line = clock()
        self.current: LevelTask | None = None
        self.share = 0.0

    def start(self, task: LevelTask) -> None:
        """A task begins."""
        self.current, self.share = task, 0.0
        self.task_started = self.clock()

    def done(self) -> None:
        """The current task ended: its line at 100 %."""
        if self.current is not None:
            self.share = 1.0
            self._write()
            self.finished += self.current.tiles
            self.current = None

    def log_step(self, progress: Any) -> None:
        """MapProxy queued a metatile; ``progress.progress`` is the share of the area walked."""
        self.share = max(self.share, min(float(progress.progress), 1.0))
        if self.clock() - self.last_line >= self.interval:
            self._write()

    def log_progress(self, progress: Any, level: int, bbox: Any, tiles: int) -> None:
        """MapProxy's per-level report: the same as a step here."""
        self.log_step(progress)

    def log_message(self, message: str) -> None:
        """A message of MapProxy's (a source error it retries)."""
        self.out.write(message + "\n")
        self.out.flush()

    def line(self) -> str:
        """The current task's progress and the whole run's, as one line."""
        now = self.clock()
        task = self.current
        assert task is not None
        done = round(self.share * task.tiles)
        rate = done / max(now - self.task_started, 1e-6)
        left = (task.tiles - done) / rate if rate > 0 else float("inf")
        all_done = self.finished + done
        all_rate = all_done / max(now - self.started, 1e-6)
        all_left = (self.total - all_done) / all_rate if all_rate > 0 else float("inf")
        share = all_done / self.total if self.total else 1.0
        return (
            f"{task.layer} {task.grid} poziom/level {task.level}: {_n(done)}/{_n(task.tiles)} "
            f"kafli/tiles ({self.share:.0%}), {_n(round(rate))}/s, "
            f"zostało/ETA {clock_text(left)} | razem/total {_n(all_done)}/{_n(self.total)} "
            f"({share:.0%}), zostało/ETA {clock_text(all_left)}"
        )

    def _write(self) -> None:
        self.last_line = self.clock()
        self.out.write(self.line() + "\n")
        self.out.flush()
