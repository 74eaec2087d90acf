"""Issue a document in a case: assemble, lay out, sign, store, register — exactly once.

The order makes a crash or a retry harmless:

1. If the register already holds this case's document of this kind, that is the answer
   (a retried job issues nothing new).
2. The content is read, the PDF rendered and signed, and written under a name of its own
   (``<year>/<case>-<kind>-<code>.pdf``, atomically): a run that dies after this leaves
   an unregistered file and nothing else.
3. One transaction moves the case to ``document_issued`` (through the case core, with its
   audit event) and inserts the register row with the file's SHA-256. Two runs racing
   meet on the case's row lock; the second finds the case issued and returns the first
   one's document, deleting its own file.

Owners appear only in a kind that may show them, and only once staff accepted the legal
interest (an ``accept_legal_interest`` event in the case's audit trail); PESEL never.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import psycopg

from geoportal.cases import audit, store
from geoportal.cases.actors import Actor
from geoportal.cases.calendar import office_date
from geoportal.cases.errors import CaseNotFound, IllegalTransition
from geoportal.cases.states import State, check_transition
from geoportal.catalog import Catalog
from geoportal.documents import register
from geoportal.documents.buildings import NOT_HELD, building_cards
from geoportal.documents.content import (
    BuildingCard,
    Certificate,
    Document,
    Header,
    MapExcerpt,
    PlanningParcel,
    RegistrationUnit,
    Verification,
)
from geoportal.documents.egib import registration_units
from geoportal.documents.errors import DocumentError
from geoportal.documents.kinds import SERVICE_KINDS, DocumentKind, kind_of
from geoportal.documents.mapsheet import MapRenderer, MapRequest, fitting_scale, frame_for
from geoportal.documents.pdf import render_pdf
from geoportal.documents.planning import document_parcels
from geoportal.documents.signing import PdfSigner
from geoportal.instance import Instance

MONTHS = ("stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia",
          "września", "października", "listopada", "grudnia")  # fmt: skip
HIGHLIGHT = "#d00000"  # the requested parcels' outline on a wyrys
Extent = tuple[float, float, float, float]
Rings = tuple[tuple[tuple[float, float], ...], ...]
CADASTRAL_LAYERS = ("budynki", "dzialki", "numery_dzialek")
PLANNING_LAYERS = ("mpzp", "dzialki", "numery_dzialek")
ACCEPTED = "accept_legal_interest"
CERTIFICATE = Certificate(
    basis="Na podstawie art. 217 ustawy z dnia 14 czerwca 1960 r. – Kodeks postępowania "
    "administracyjnego",
    statement="zaświadcza się, że według miejscowego planu zagospodarowania przestrzennego "
    "działki wymienione poniżej położone są w terenach o następującym przeznaczeniu "
    "(udział terenu w powierzchni działki):",
)


@dataclass(frozen=True)
class Issued:
    """The outcome of :meth:`Issuer.issue`."""

    document: register.IssuedDocument
    path: Path
    created: bool  # False: it had been issued before (a retry, or a concurrent run)


BeforeCommit = Callable[[psycopg.Connection, register.IssuedDocument], None]


class Issuer:
    """Issues documents for one instance with one signing key and one map renderer."""

    def __init__(self, instance: Instance, signer: PdfSigner, renderer: MapRenderer | None):
        self.instance, self.signer, self.renderer = instance, signer, renderer

    def issue(
        self,
        case_id: int,
        kind_key: str,
        actor: Actor,
        scale: int | None = None,
        before_commit: BeforeCommit | None = None,
    ) -> Issued:
        """Issue (once) the document ``kind_key`` of case ``case_id`` as ``actor``.

        ``before_commit`` runs inside the final transaction after the register row is
        written: tests make it raise to simulate a crash just before the commit.
        """
        kind = kind_of(kind_key)
        database, folder = self.instance.database, self.instance.settings.issued_dir
        with database.connect("app", autocommit=True) as conn:
            found = _already(conn, case_id, kind.key, folder)
            if found is not None:
                return found
            case = store.get(conn, case_id)
            if case is None:
                raise CaseNotFound(f"no case {case_id}")
            if SERVICE_KINDS.get(case.service) != kind.key:
                raise DocumentError(f"a {case.service} case does not issue {kind.key}")
            check_transition(case.state, State.DOCUMENT_ISSUED, actor, case.facts(), None)
            owners = kind.personal and _legal_interest_accepted(conn, case_id)
            code = register.new_code()
            document = self.assemble(conn, kind, case, owners, scale)
            pdf = render_pdf(document, self.verification(code))
            signed = self.signer.sign(pdf, reason=f"{kind.title}, znak sprawy {case.mark}")
            relative = Path(f"{case.submitted_at:%Y}/{case_id}-{kind.key}-{code}.pdf")
            _write_file(folder / relative, signed)
            digest = hashlib.sha256(signed).hexdigest()

            def record(tx: psycopg.Connection, locked: store.Case) -> dict[str, Any]:
                row = register.insert(tx, case_id, kind.key, digest, code, str(relative),
                                      len(signed))  # fmt: skip
                if before_commit is not None:
                    before_commit(tx, row)
                return {"document_id": row.id, "kind": kind.key, "sha256": digest}

            try:
                store.transition(conn, case_id, State.DOCUMENT_ISSUED, actor, effect=record)
            except IllegalTransition:
                raced = _already(conn, case_id, kind.key, folder)
                if raced is None:
                    raise
                (folder / relative).unlink(missing_ok=True)
                return raced
            issued = register.find(conn, case_id, kind.key)
            assert issued is not None
            return Issued(issued, folder / relative, created=True)

    def verification(self, code: str) -> Verification:
        """The code and the URL its QR code carries."""
        return Verification(code, f"{self.instance.settings.base_url}/weryfikacja/{code}")

    def assemble(
        self,
        conn: psycopg.Connection,
        kind: DocumentKind,
        case: store.Case,
        owners: bool,
        scale: int | None = None,
    ) -> Document:
        """The document's content from the database (owners read as the staff role)."""
        parcels = list(case.submission.parcels)
        if not parcels:
            raise DocumentError(f"case {case.mark} names no parcels")
        site = self.instance.site
        today = office_date(dt.datetime.now(dt.UTC))
        address = site.organ.address
        header = Header(
            organ=site.organ.name.pl,
            office=f"{site.organ.office.pl}, {address.street}, {address.postcode} {address.city}",
            case_mark=str(case.mark), title=kind.title, issued_on=today,
            place=f"{site.county.seat}, {today.day} {MONTHS[today.month - 1]} {today.year} r.",
        )  # fmt: skip
        units: tuple[RegistrationUnit, ...] = ()
        planning: tuple[PlanningParcel, ...] = ()
        cards: tuple[BuildingCard, ...] | None = None
        with conn.transaction():
            if kind.register is not None:
                if owners:
                    with self.instance.database.connect("staff") as staff:
                        units = registration_units(conn, parcels, site, owners_conn=staff)
                else:
                    units = registration_units(conn, parcels, site)
            if kind.planning is not None:
                planning = document_parcels(conn, kind.planning, parcels)
            if kind.building_cards:
                cards = building_cards(conn, parcels, site)
            extent, outlines = _outlines(conn, parcels)
        maps: tuple[MapExcerpt, ...] = ()
        if kind.maps:
            layers = PLANNING_LAYERS if kind.planning_map else CADASTRAL_LAYERS
            maps = (replace(self.excerpt(extent, layers, scale), highlight=outlines),)
        certificate = CERTIFICATE if kind.certificate else None
        return Document(header, units=units, planning=planning, building_cards=cards,
                        certificate=certificate, maps=maps, notes=_notes(kind, owners))  # fmt: skip

    def excerpt(
        self, extent: tuple[float, float, float, float], layers: tuple[str, ...], scale: int | None
    ) -> MapExcerpt:
        """The map around ``extent`` at ``scale`` (default: the most detailed that fits)."""
        if self.renderer is None:
            raise DocumentError("this issuer has no map renderer")
        frame = frame_for(extent, scale or fitting_scale(extent))
        png = self.renderer(MapRequest(layers, frame))
        legend = (
            (HIGHLIGHT, "Działki objęte wnioskiem"),
            *legend_of(self.instance.catalog, layers),
        )
        return MapExcerpt(png, frame.bbox, frame.scale, frame.width_mm, frame.height_mm, legend)


def _notes(kind: DocumentKind, owners: bool) -> tuple[str, ...]:
    notes = list(kind.notes)
    if kind.building_cards:
        notes.append(NOT_HELD)
    if kind.personal and not owners:
        notes.append("Dane osobowe nie zostały udostępnione: interes prawny nie został uznany.")
    return tuple(notes)


def legend_of(catalog: Catalog, wms_names: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """Legend entries (colour, label) of the drawn layers, from their catalog styles."""
    entries: list[tuple[str, str]] = []
    for layer in catalog.layers:
        if layer.wms_name not in wms_names or layer.geometry_type != "polygon":
            continue
        style = layer.style
        if style.classes:
            entries += [(c.fill or c.stroke or "#000000", c.name.pl) for c in style.classes]
        else:
            entries.append((style.fill or style.stroke or "#000000", layer.title.pl))
    return tuple(entries)


def _legal_interest_accepted(conn: psycopg.Connection, case_id: int) -> bool:
    return any(event.action == ACCEPTED for event in audit.history(conn, case_id))


def _already(conn: psycopg.Connection, case_id: int, kind: str, folder: Path) -> Issued | None:
    with conn.transaction():
        found = register.find(conn, case_id, kind)
    return Issued(found, folder / found.storage_path, created=False) if found else None


def _outlines(conn: psycopg.Connection, parcels: list[str]) -> tuple[Extent, Rings]:
    """The parcels' common extent and their boundary rings (EPSG:2180)."""
    rows = conn.execute(
        "SELECT ST_AsGeoJSON(geom, 2) FROM data.parcel WHERE parcel_id = ANY(%s)"
        " AND version_end IS NULL AND object_end IS NULL",
        (parcels,),
    ).fetchall()
    rings = tuple(
        tuple((float(x), float(y)) for x, y, *_ in ring)
        for (text,) in rows
        for polygon in json.loads(text)["coordinates"]
        for ring in polygon
    )
    if not rings:
        raise DocumentError("the parcels have no geometry in the register")
    xs = [x for ring in rings for x, _ in ring]
    ys = [y for ring in rings for _, y in ring]
    return (min(xs), min(ys), max(xs), max(ys)), rings


def _write_file(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` durably and atomically (a crash leaves old or new)."""
    path.parent.mkdir(mode=0o750, parents=True, exist_ok=True)
    temporary = path.with_suffix(".part")
    # Owner-readable only: a wypis may carry owners' names and addresses.
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)
