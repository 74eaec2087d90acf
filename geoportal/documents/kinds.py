"""The kinds of document the office issues, and which e-service issues which (a registry).

A kind says what the document holds: a wypis of the land register (with owners, without,
simplified), of the register of buildings, of the building record (kartoteka), a wyrys of
the cadastral map, a planning extract with its plan drawing, a wypis ze studium, a
certificate of a parcel's designation in the local plan. Whether owners are shown is the
kind's *and* the case's decision: only a kind that shows them, and only once staff
accepted the legal interest
(:func:`geoportal.documents.issue.shows_owners`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from geoportal.documents.plan_types import PlanGroup

Register = Literal["full", "anonymous", "simplified", "buildings"]
SCALES: tuple[int, ...] = (500, 1000, 2000, 5000)
"""Scales a wyrys may be drawn at (the denominators)."""


@dataclass(frozen=True)
class DocumentKind:
    """One kind of document: its title and parts."""

    key: str
    title: str
    register: Register | None = None  # the wypis part, if any
    cadastral_map: bool = False  # a wyrys z mapy ewidencyjnej
    planning: PlanGroup | None = None  # the zones of which acts cover each parcel
    planning_map: bool = False  # a wyrys of the plan drawing (the plan zones layer)
    building_cards: bool = False  # the buildings' record (kartoteka budynków)
    certificate: bool = False  # a zaświadczenie (KPA art. 217), not a wypis
    personal: bool = False  # may show owners (after the legal interest was accepted)
    notes: tuple[str, ...] = ()  # printed on every document of the kind

    @property
    def maps(self) -> bool:
        """Whether the document carries a map excerpt."""
        return self.cadastral_map or self.planning_map


KINDS: dict[str, DocumentKind] = {
    kind.key: kind
    for kind in (
        DocumentKind("egib_register_extract", "Wypis z rejestru gruntów", "full",
                     personal=True),
        DocumentKind("egib_register_extract_anonymous",
                     "Wypis z rejestru gruntów bez danych osobowych", "anonymous"),
        DocumentKind("egib_simplified_extract", "Uproszczony wypis z rejestru gruntów",
                     "simplified", personal=True),
        DocumentKind("egib_map_extract", "Wyrys z mapy ewidencyjnej", cadastral_map=True),
        DocumentKind("egib_extract_and_map", "Wypis i wyrys z operatu ewidencyjnego", "full",
                     cadastral_map=True, personal=True),
        DocumentKind("egib_building_register_extract", "Wypis z rejestru budynków",
                     "buildings", personal=True),
        DocumentKind("egib_building_card", "Wypis z kartoteki budynków",
                     building_cards=True),
        DocumentKind("planning_extract",
                     "Wypis i wyrys z miejscowego planu zagospodarowania przestrzennego",
                     planning="local_plan", planning_map=True),
        # No studium drawing is held in our data (APP carries a studium's extent and a
        # raster link, and the plan zones layer draws local plans): a wypis, said so.
        DocumentKind("studium_extract",
                     "Wypis ze studium uwarunkowań i kierunków zagospodarowania przestrzennego",
                     planning="studium",
                     notes=("Wyrys ze studium nie jest wydawany z danych geoportalu: rysunek "
                            "studium nie jest w nich prowadzony; urząd sporządza go odrębnie.",)),
        DocumentKind("planning_certificate",
                     "Zaświadczenie o przeznaczeniu działki w miejscowym planie "
                     "zagospodarowania przestrzennego",
                     planning="local_plan", certificate=True),
    )
}  # fmt: skip

SERVICE_KINDS: dict[str, str] = {key: key for key in KINDS}
"""E-service key (``eservices.yaml``) → the kind of document it issues."""


def kind_of(key: str) -> DocumentKind:
    """The kind named ``key``; :class:`KeyError` names the known ones."""
    try:
        return KINDS[key]
    except KeyError:
        raise KeyError(f"no document kind {key!r}; known: {', '.join(KINDS)}") from None
