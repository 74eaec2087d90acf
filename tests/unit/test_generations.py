"""Values kept under a data generation, bounded by their weights (counts weigh one)."""

from __future__ import annotations

from services.providers.generations import GenerationMemory


def test_a_count_is_given_only_for_its_generation_and_the_oldest_leaves_first():
    counts: GenerationMemory[int] = GenerationMemory(2, lambda _: 1)
    counts.put("a", 1, 10)
    counts.put("b", 1, 20)
    assert counts.get("a", 1) == 10  # "a" is now the most recently used
    counts.put("c", 1, 30)
    assert counts.get("b", 1) is None and counts.get("a", 1) == 10 and len(counts) == 2
    assert counts.get("a", 2) is None and counts.generation_of("a") is None
