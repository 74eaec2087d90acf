"""Progress of a long load, stage by stage, for a person watching a terminal.

A county file takes minutes: each stage (read, stage, check, publish, report) says what
it does, how far it is and how fast; on a terminal the current line is redrawn as a bar,
elsewhere (logs, CI) a line per stage is printed.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

BAR = 30


class Progress:
    """Stages with counts; the base class stays silent (tests, library use)."""

    def stage(self, name: str, total: int | None = None) -> None:
        """A new stage begins (``total`` units of work, when known)."""

    def advance(self, count: int = 1) -> None:
        """``count`` more units of the current stage are done."""

    def note(self, message: str) -> None:
        """A line worth keeping (a file read, a refusal)."""

    def finish(self) -> None:
        """The last stage ended."""


class TerminalProgress(Progress):
    """Progress drawn on a stream: a redrawn bar on a terminal, lines elsewhere."""

    def __init__(self, stream: TextIO = sys.stderr):
        self.stream, self.tty = stream, stream.isatty()
        self._name, self._done, self._started, self._drawn = "", 0, 0.0, 0.0
        self._total: int | None = None

    def stage(self, name: str, total: int | None = None) -> None:
        """Close the previous stage's line and start one for ``name``."""
        self.finish()
        self._name, self._total, self._done = name, total, 0
        self._started = self._drawn = time.monotonic()
        self._draw(force=True)

    def advance(self, count: int = 1) -> None:
        """Count work; redraw at most ten times a second."""
        self._done += count
        self._draw()

    def note(self, message: str) -> None:
        """Print a line of its own, under the bar."""
        self._clear()
        print(message, file=self.stream, flush=True)
        self._draw(force=True)

    def finish(self) -> None:
        """End the current stage's line with its count and time."""
        if self._name:
            self._clear()
            seconds = time.monotonic() - self._started
            print(f"{self._name}: {self._done:,} in {seconds:.1f} s", file=self.stream, flush=True)
            self._name = ""

    def _draw(self, force: bool = False) -> None:
        now = time.monotonic()
        if not self.tty or not self._name or (not force and now - self._drawn < 0.1):
            return
        self._drawn = now
        rate = self._done / max(now - self._started, 1e-6)
        if self._total:
            share = min(self._done / self._total, 1.0)
            eta = (self._total - self._done) / rate if rate > 0 else 0
            bar = "█" * int(share * BAR) + "·" * (BAR - int(share * BAR))
            text = f"{self._name} {bar} {share:4.0%} {self._done:,}/{self._total:,} ETA {eta:.0f} s"
        else:
            text = f"{self._name} {self._done:,} ({rate:,.0f}/s)"
        self.stream.write("\r" + text[:120].ljust(120))
        self.stream.flush()

    def _clear(self) -> None:
        if self.tty:
            self.stream.write("\r" + " " * 120 + "\r")


class LineProgress(Progress):
    """Every note and stage as a line to a callable (``print``, a logger, a list)."""

    def __init__(self, say: object):
        self.say = say

    def stage(self, name: str, total: int | None = None) -> None:
        """A line per stage."""
        self.note(name + (f" ({total:,})" if total else ""))

    def note(self, message: str) -> None:
        """Pass the line on."""
        if callable(self.say):
            self.say(message)
