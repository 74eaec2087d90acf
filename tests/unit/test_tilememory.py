"""Tiles kept in memory: valid for one data generation, bounded by bytes, LRU."""

from __future__ import annotations

from services.providers.tilememory import Tile, TileMemory


def test_a_tile_is_served_only_under_the_generation_it_was_built_under():
    memory = TileMemory(budget=100)
    memory.put("a", 7, Tile.of(b"old"))
    assert memory.get("a", 7) == Tile.of(b"old")
    assert memory.get("a", 8) is None  # the data changed since
    assert memory.get("a", 7) is None and len(memory) == 0 and memory.size == 0


def test_the_least_recently_used_tiles_leave_first_when_the_budget_is_full():
    memory = TileMemory(budget=10)
    memory.put("a", 1, Tile.of(b"aaaa"))
    memory.put("b", 1, Tile.of(b"bbbb"))
    assert memory.get("a", 1) == Tile.of(b"aaaa")  # now b is the least recently used
    memory.put("c", 1, Tile.of(b"cccc"))
    kept = memory.get("a", 1), memory.get("b", 1), memory.get("c", 1)
    assert kept == (Tile.of(b"aaaa"), None, Tile.of(b"cccc"))
    assert memory.size == 8


def test_a_tile_replaced_is_counted_once_and_one_beyond_the_budget_is_not_kept():
    memory = TileMemory(budget=10)
    memory.put("a", 1, Tile.of(b"aaaa"))
    memory.put("a", 2, Tile.of(b"aaaaaa"))
    assert memory.size == 6 and memory.get("a", 2) == Tile.of(b"aaaaaa")
    memory.put("big", 2, Tile.of(b"x" * 11))
    assert memory.get("big", 2) is None and memory.get("a", 2) == Tile.of(b"aaaaaa")


def test_an_empty_tile_is_kept_too():
    memory = TileMemory(budget=10)
    memory.put("empty", 3, Tile.of(b""))
    assert memory.get("empty", 3) == Tile.of(b"")


def test_the_generation_of_a_kept_tile_is_known_and_its_digest_follows_its_bytes():
    memory = TileMemory(budget=10)
    assert memory.generation_of("a") is None
    memory.put("a", 4, Tile.of(b"aaaa"))
    assert memory.generation_of("a") == 4
    assert Tile.of(b"aaaa").digest == Tile.of(b"aaaa").digest != Tile.of(b"aaab").digest
    assert len(Tile.of(b"").digest) == 24
