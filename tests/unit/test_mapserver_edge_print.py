"""The edge's checks the viewer's legends and prints rely on: GetLegendGraphic's LAYER
is a catalog name; MAP_RESOLUTION is a print resolution, nothing else."""

from __future__ import annotations

import pytest

from services.edge.failures import Refusal
from services.mapserver.edge import OwsRequest, check_params
from services.mapserver.names import check_names
from services.mapserver.policy import OwsPolicy

POLICY = OwsPolicy({"dzialki": frozenset({"parcel_id"})}, frozenset({2180}), frozenset({2180}))
LEGEND = {"SERVICE": "WMS", "VERSION": "1.3.0", "REQUEST": "GetLegendGraphic",
          "FORMAT": "image/png", "SLD_VERSION": "1.1.0"}  # fmt: skip


def test_legend_of_a_catalog_layer_passes() -> None:
    check_names({**LEGEND, "LAYER": "dzialki"}, "WMS", POLICY)


@pytest.mark.parametrize("name", ["owners", "../etc/passwd", "dzialki,owners", ""])
def test_legend_of_anything_else_is_refused(name: str) -> None:
    with pytest.raises(Refusal):
        check_names({**LEGEND, "LAYER": name}, "WMS", POLICY)


@pytest.mark.parametrize("value", ["72", "150", "300"])
def test_print_resolutions_pass(value: str) -> None:
    check_params(OwsRequest(params={"SERVICE": "WMS", "MAP_RESOLUTION": value}))


@pytest.mark.parametrize("value", ["71", "301", "1e3", "-150", "150.5", "", "96;DROP"])
def test_other_resolutions_are_refused(value: str) -> None:
    with pytest.raises(Refusal):
        check_params(OwsRequest(params={"SERVICE": "WMS", "MAP_RESOLUTION": value}))
