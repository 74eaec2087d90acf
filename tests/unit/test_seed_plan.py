"""The seeding plan comes from the site file (``tiles.seed``), or a refusal that says why."""

from __future__ import annotations

import pytest

from geoportal.settings import PROJECT_ROOT
from geoportal.site import load_site
from services.mapproxy.seed import SeedError, SeedPlan, level_tasks

SITE = load_site(PROJECT_ROOT / "site.yaml")


def test_the_plan_is_the_site_file_s():
    plan = SeedPlan.of_site(SITE)
    assert plan.bbox == SITE.seed_area
    assert plan.levels["dzialki"] == {"PL1992": (8, 10), "GLOBAL_WEBMERCATOR": (14, 15)}
    only = SeedPlan.of_site(SITE, ["dzialki"])
    assert list(only.levels) == ["dzialki"]


def test_one_task_per_layer_grid_and_level():
    tasks = level_tasks({"dzialki": {"PL1992": (8, 10), "GLOBAL_WEBMERCATOR": (14, 15)}})
    assert [(t["name"], t["cache"], t["grid"], t["first"], t["last"]) for t in tasks] == [
        ("dzialki_PL1992_08", "dzialki_cache", "PL1992", 8, 8),
        ("dzialki_PL1992_09", "dzialki_cache", "PL1992", 9, 9),
        ("dzialki_PL1992_10", "dzialki_cache", "PL1992", 10, 10),
        ("dzialki_GLOBAL_WEBMERCATOR_14", "dzialki_cache", "GLOBAL_WEBMERCATOR", 14, 14),
        ("dzialki_GLOBAL_WEBMERCATOR_15", "dzialki_cache", "GLOBAL_WEBMERCATOR", 15, 15),
    ]


def test_a_layer_the_site_does_not_seed_is_refused_in_polish_then_english():
    with pytest.raises(SeedError, match="^brak w tiles.seed pliku strony / not in the site"):
        SeedPlan.of_site(SITE, ["budynki", "dzialki"])


def test_a_site_without_seeding_levels_says_so():
    bare = SITE.model_copy(update={"tiles": SITE.tiles.model_copy(update={"seed": {}})})
    with pytest.raises(SeedError, match="tiles.seed"):
        SeedPlan.of_site(bare)
