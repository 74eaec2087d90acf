"""Repeated timing with medians (the machine is shared and noisy: medians, not means)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_ms(
    action: Callable[[], object],
    repeat: int,
    warmup: int = 5,
    setup: Callable[[], object] | None = None,
) -> float:
    """Median wall time of ``action`` in milliseconds (``setup`` runs untimed before each)."""
    for _ in range(warmup):
        action()
    samples = []
    for _ in range(repeat):
        if setup is not None:
            setup()
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def report(name: str, ours: float, peer: float, peer_name: str) -> None:
    """One result line: both medians and their ratio."""
    print(f"{name:42} ours {ours:8.2f} ms   {peer_name} {peer:8.2f} ms   ratio {ours / peer:6.2f}x")


def paired_ms(
    ours: Callable[[], object],
    peer: Callable[[], object],
    repeat: int,
    warmup: int = 5,
    setup: Callable[[], object] | None = None,
) -> tuple[float, float]:
    """Medians of two actions timed in turns (``setup`` runs untimed before ``ours``).

    Timed one after the other, each got its own minute of a shared machine: the same
    prepared query's median moved by 40 % between two such minutes here, more than the
    margins measured. Alternating (and swapping which goes first) gives both the same.
    """
    for _ in range(warmup):
        ours()
        peer()
    samples: tuple[list[float], list[float]] = ([], [])
    for turn in range(repeat):
        order = ((0, ours), (1, peer)) if turn % 2 == 0 else ((1, peer), (0, ours))
        for index, action in order:
            if index == 0 and setup is not None:
                setup()
            started = time.perf_counter()
            action()
            samples[index].append((time.perf_counter() - started) * 1000)
    return statistics.median(samples[0]), statistics.median(samples[1])
