"""Seeding progress lines: tiles done of the total, rate and time left (hand-computed)."""

from __future__ import annotations

import io
from types import SimpleNamespace

from services.mapproxy.progress import LevelTask, SeedProgress, clock_text


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _walked(share: float) -> SimpleNamespace:
    return SimpleNamespace(progress=share)  # what MapProxy's walker hands the logger


def test_a_line_gives_the_level_and_the_run_with_rate_and_time_left():
    clock, out = _Clock(), io.StringIO()
    tasks = [LevelTask("dzialki", "PL1992", 8, 100), LevelTask("dzialki", "PL1992", 9, 300)]
    progress = SeedProgress(tasks, out, interval=1.0, clock=clock)
    progress.start(tasks[0])
    clock.now = 8.0
    progress.log_step(_walked(0.4))  # 40 of 100 in 8 s: 5/s, 60 left = 12 s
    # the run: 40 of 400 at 5/s, 360 left = 72 s
    assert out.getvalue().splitlines() == [
        "dzialki PL1992 poziom/level 8: 40/100 kafli/tiles (40%), 5/s, zostało/ETA 0:12"
        " | razem/total 40/400 (10%), zostało/ETA 1:12"
    ]


def test_a_finished_level_is_counted_whole_and_the_next_starts_from_zero():
    clock, out = _Clock(), io.StringIO()
    tasks = [LevelTask("mapa_ewidencyjna", "GLOBAL_WEBMERCATOR", 14, 1000),
             LevelTask("mapa_ewidencyjna", "GLOBAL_WEBMERCATOR", 15, 3000)]  # fmt: skip
    progress = SeedProgress(tasks, out, interval=1.0, clock=clock)
    progress.start(tasks[0])
    clock.now = 10.0
    progress.done()  # 1000 in 10 s; the run: 3000 left at 100/s = 30 s
    progress.start(tasks[1])
    clock.now = 30.0
    progress.log_progress(_walked(0.5), 15, (0, 0, 1, 1), 0)  # 1500 in 20 s: 75/s, 20 s left
    # the run: 2500 of 4000 in 30 s (83.3/s), 1500 left = 18 s
    assert out.getvalue().splitlines() == [
        "mapa_ewidencyjna GLOBAL_WEBMERCATOR poziom/level 14: 1 000/1 000 kafli/tiles (100%),"
        " 100/s, zostało/ETA 0:00 | razem/total 1 000/4 000 (25%), zostało/ETA 0:30",
        "mapa_ewidencyjna GLOBAL_WEBMERCATOR poziom/level 15: 1 500/3 000 kafli/tiles (50%),"
        " 75/s, zostało/ETA 0:20 | razem/total 2 500/4 000 (62%), zostało/ETA 0:18",
    ]


def test_lines_are_not_written_more_often_than_the_interval():
    clock, out = _Clock(), io.StringIO()
    task = LevelTask("dzialki", "PL1992", 10, 64)
    progress = SeedProgress([task], out, interval=1.0, clock=clock)
    progress.start(task)
    for step in range(1, 10):
        clock.now = step * 0.25
        progress.log_step(_walked(step / 10))
    assert len(out.getvalue().splitlines()) == 2  # at 1.0 s and 2.0 s


def test_time_left_reads_as_a_clock():
    assert clock_text(0) == "0:00"
    assert clock_text(75) == "1:15"
    assert clock_text(3 * 3600 + 61) == "3:01:01"
    assert clock_text(float("inf")) == "--:--"
