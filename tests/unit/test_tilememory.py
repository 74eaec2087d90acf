"""Tiles kept in memory: valid for one data generation, bounded by bytes, LRU."""

from __future__ import annotations

from services.providers.tilememory import TileMemory


def test_a_tile_is_served_only_under_the_generation_it_was_built_under():
    memory = TileMemory(budget=100)
    memory.put("a", 7, b"old")
    assert memory.get("a", 7) == b"old"
    assert memory.get("a", 8) is None  # the data changed since
    assert memory.get("a", 7) is None and len(memory) == 0 and memory.size == 0


def test_the_least_recently_used_tiles_leave_first_when_the_budget_is_full():
    memory = TileMemory(budget=10)
    memory.put("a", 1, b"aaaa")
    memory.put("b", 1, b"bbbb")
    assert memory.get("a", 1) == b"aaaa"  # now b is the least recently used
    memory.put("c", 1, b"cccc")
    assert (memory.get("a", 1), memory.get("b", 1), memory.get("c", 1)) == (b"aaaa", None, b"cccc")
    assert memory.size == 8


def test_a_tile_replaced_is_counted_once_and_one_beyond_the_budget_is_not_kept():
    memory = TileMemory(budget=10)
    memory.put("a", 1, b"aaaa")
    memory.put("a", 2, b"aaaaaa")
    assert memory.size == 6 and memory.get("a", 2) == b"aaaaaa"
    memory.put("big", 2, b"x" * 11)
    assert memory.get("big", 2) is None and memory.get("a", 2) == b"aaaaaa"


def test_an_empty_tile_is_kept_too():
    memory = TileMemory(budget=10)
    memory.put("empty", 3, b"")
    assert memory.get("empty", 3) == b""
