"""The kinds of document the office issues, and which e-service issues which (a registry).

A kind says what the document holds: a wypis of the land register (with owners, without,
simplified), of the register of buildings, a wyrys of the cadastral map, a planning
extract with its plan drawing. Whether owners are shown is the kind's *and* the case's
decision: only a kind that shows them, and only once staff accepted the legal interest
(:func:`geoportal.documents.issue.shows_owners`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

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
    planning: bool = False  # a wypis i wyrys z planu miejscowego
    personal: bool = False  # may show owners (after the legal interest was accepted)


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
        DocumentKind("planning_extract",
                     "Wypis i wyrys z miejscowego planu zagospodarowania przestrzennego",
                     planning=True),
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
