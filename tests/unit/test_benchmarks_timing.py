"""Paired timing: both actions in turns, the setup only before ours, medians of each."""

from __future__ import annotations

import time

from benchmarks.timing import paired_ms


def test_actions_alternate_and_the_setup_precedes_only_ours():
    calls: list[str] = []
    paired_ms(lambda: calls.append("ours"), lambda: calls.append("peer"), repeat=4, warmup=0,
              setup=lambda: calls.append("setup"))  # fmt: skip
    assert calls == ["setup", "ours", "peer", "peer", "setup", "ours",
                     "setup", "ours", "peer", "peer", "setup", "ours"]  # fmt: skip


def test_each_median_is_its_own_action_s():
    ours, peer = paired_ms(lambda: time.sleep(0.004), lambda: None, repeat=5, warmup=1)
    assert ours >= 4 and peer < 1
