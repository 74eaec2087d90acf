"""One EGiB GML file per jednostka ewidencyjna.

Order inside a file: the unit, its obręby, then obręb by obręb: boundary points,
addresses, parcels, buildings, land-use and soil contours, shares.

Registration units (JRG) are written *inside* the shares: EGIB.XSD v1.10 types
``przedmiotUdzialuWlasnosci``/``przedmiotUdzialuWladania`` so that the unit must be given
by value (its property type has no ``minOccurs="0"``), unlike every other association.
So each share carries its JRG inline (same idIIP, a per-share gml:id), and no standalone
JRG member is written; parcels refer to the JRG by URN as usual. Readers deduplicate.

Boundary points are shared: a vertex common to several parcels is one
EGB_PunktGraniczny (keyed by its centimetre coordinates within the unit), referenced by
every parcel, obręb and unit ring through it — so every ``punktGranicy…`` reference
resolves inside the file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from shapely.geometry import Polygon

from etl.synthetic import egib_writer as w
from etl.synthetic.buildings import footprint_area
from etl.synthetic.content import ObrebContent, make_meta, obreb_content
from etl.synthetic.ids import local_id, rng_for, stable_int
from etl.synthetic.layout import Unit
from etl.synthetic.owners import SubjectPool
from etl.synthetic.topo import ObrebTopo, obreb_topo


@dataclass
class UnitResult:
    path: Path
    counts: dict[str, int] = field(default_factory=dict)
    plan_inputs: dict[str, dict] = field(default_factory=dict)
    topo: dict[str, ObrebTopo] = field(default_factory=dict)  # per obręb, for the base map


class BoundaryPoints:
    """Boundary points of one unit, emitted once each, referenced by coordinate key."""

    def __init__(self, seed: int, unit_id: str, out: w.EgibFile) -> None:
        self.seed, self.unit_id, self.out = seed, unit_id, out
        self.emitted: dict[tuple[int, int], str] = {}  # key -> lokalnyId
        self.numbers: dict[str, int] = {}

    @staticmethod
    def keys(poly: Polygon) -> list[tuple[int, int]]:
        rings = [poly.exterior, *poly.interiors]
        keys: list[tuple[int, int]] = []
        for ring in rings:
            cm = np.round(np.asarray(ring.coords)[:-1] * 100).astype(np.int64)
            keys += [(int(x), int(y)) for x, y in cm]
        return list(dict.fromkeys(keys))

    def lid(self, key: tuple[int, int]) -> str:
        known = self.emitted.get(key)
        return known or local_id(self.seed, "punkt", f"{self.unit_id}:{key[0]}:{key[1]}")

    def refs(self, poly: Polygon, obreb_id: str, when: w.Meta) -> list[str]:
        out = []
        for key in self.keys(poly):
            lid = self.emitted.get(key)
            out.append(lid if lid is not None else self._emit(key, obreb_id, when))
        return out

    def _emit(self, key: tuple[int, int], obreb_id: str, when: w.Meta) -> str:
        lid = self.emitted[key] = self.lid(key)
        n = self.numbers[obreb_id] = self.numbers.get(obreb_id, 0) + 1
        meta = w.Meta(lid, when.start, when.start)
        h = stable_int(key)
        pos = f"{key[1] // 100}.{key[1] % 100:02d} {key[0] // 100}.{key[0] % 100:02d}"
        self.out.feature(
            "EGB_PunktGraniczny",
            meta,
            f'<egb:geometria><gml:Point gml:id="{meta.gml_id}.g" srsName="{w.SRS}"><gml:pos>'
            f"{pos}</gml:pos></gml:Point></egb:geometria>",
            w.el("idPunktu", f"{obreb_id}.{n}"),
            w.el("sposobPozyskania", 1 + h % 2),
            w.el("spelnienieWarunkowDokl", 1 if h % 10 else 2),
            w.el("rodzajStabilizacji", (1, 1, 2, 3, 3, 3, 4, 5, 6)[h % 9]),
        )
        return lid


def write_unit(
    unit: Unit,
    seed: int,
    pool: SubjectPool,
    path: Path,
    plan_obreby: set[str],
    progress: Callable[[str], None] | None = None,
) -> UnitResult:
    """Generate and write the unit's file; returns counts and inputs for the plans."""
    rng = rng_for(seed, "unit", unit.spec.unit_id)
    out = w.EgibFile(path, f"EGiB_{unit.spec.unit_id}", unit.geom.bounds)
    points = BoundaryPoints(seed, unit.spec.unit_id, out)
    result = UnitResult(path)
    created = make_meta(seed, "jednostka", unit.spec.unit_id, rng)
    unit_meta = w.Meta(created.local_id, dt.datetime(2003, 1, 2, 8, 0), created.version)
    out.feature(
        "EGB_JednostkaEwidencyjna",
        unit_meta,
        w.surface(unit_meta, [unit.geom]),
        w.el("idJednostkiEwid", unit.spec.unit_id),
        w.el("nazwaWlasna", unit.spec.name),
        w.refs("punktGranicyJednEwid", [points.lid(k) for k in points.keys(unit.geom)]),
    )
    obreb_metas = {}
    for obreb in unit.obreby:
        meta = obreb_metas[obreb.obreb_id] = make_meta(seed, "obreb", obreb.obreb_id, rng)
        out.feature("EGB_ObrebEwidencyjny", meta, w.surface(meta, [obreb.geom]),
                    w.el("idObrebu", obreb.obreb_id), w.el("nazwaWlasna", obreb.name),
                    w.refs("punktGranicyObrebu", [points.lid(k) for k in points.keys(obreb.geom)]),
                    w.ref("lokalizacjaObrebu", unit_meta.local_id))  # fmt: skip
    for i, obreb in enumerate(unit.obreby):
        content = obreb_content(obreb, seed, pool)
        _write_obreb(out, content, points, pool, obreb_metas[obreb.obreb_id], seed, result)
        result.topo[obreb.obreb_id] = obreb_topo(content)
        if obreb.obreb_id in plan_obreby:
            result.plan_inputs[obreb.obreb_id] = _plan_input(content)
        if progress:
            progress(
                f"{unit.spec.unit_id}: obręb {i + 1}/{len(unit.obreby)} "
                f"({result.counts.get('parcel', 0):,} parcels)"
            )
    for poly, obreb_id in [(o.geom, o.obreb_id) for o in unit.obreby] + [(unit.geom, "")]:
        obreb_id = obreb_id or unit.obreby[0].obreb_id
        points.refs(poly, obreb_id, obreb_metas[obreb_id])  # emits any not yet written
    out.close()
    result.counts["boundary_point"] = len(points.emitted)
    return result


def _count(result: UnitResult, table: str, n: int = 1) -> None:
    result.counts[table] = result.counts.get(table, 0) + n


def _write_obreb(
    out: w.EgibFile,
    c: ObrebContent,
    points: BoundaryPoints,
    pool: SubjectPool,
    obreb_meta: w.Meta,
    seed: int,
    result: UnitResult,
) -> None:
    obreb_lid = obreb_meta.local_id
    for n, a in enumerate(c.addresses):
        meta = c.metas[f"adres:{n}"]
        body = [w.el("nazwaMiejscowosci", a.locality)]
        if a.street:
            body.append(w.el("nazwaUlicy", a.street))
        body += [w.el("numerPorzadkowy", a.number), w.point(meta, a.point)]
        out.feature("EGB_AdresNieruchomosci", meta, *body)
    _count(result, "address", len(c.addresses))
    for p in c.parcels:
        _write_parcel(out, c, p, points, obreb_lid)
    _count(result, "parcel", len(c.parcels))
    for n, b in enumerate(c.buildings):
        meta = c.metas[f"budynek:{n}"]
        body = [
            w.el("idBudynku", b.building_id),
            w.surface(meta, [b.geom]),
            w.el("rodzajWgKST", b.kst),
            w.el("liczbaKondygnacjiNadziemnych", b.floors_above),
            w.el("liczbaKondygnacjiPodziemnych", b.floors_below),
            w.area("powZabudowy", f"{footprint_area(b.geom):.2f}", "m2"),
            w.ref("dzialkaZabudowana", c.parcels[b.parcel].meta.local_id),
        ]
        if b.address is not None:
            body.append(w.ref("adresBudynku", c.metas[f"adres:{b.address}"].local_id))
        out.feature("EGB_Budynek", meta, *body)
    _count(result, "building", len(c.buildings))
    _write_contours(out, c, obreb_lid, seed, result)
    _write_shares(out, c, pool, seed, obreb_lid, result)


def _write_parcel(
    out: w.EgibFile, c: ObrebContent, p, points: BoundaryPoints, obreb_lid: str
) -> None:
    body = [w.el("idDzialki", p.parcel_id), w.polygon(p.meta, p.geom)]
    if p.kw:
        body.append(w.el("numerKW", p.kw))
    body += [
        w.area("poleEwidencyjne", p.area_ha, "ha"),
        w.el("dokladnoscReprezentacjiPola", p.precision),
    ]
    body += [w.klasouzytek(*k) for k in p.klasouzytki]
    body.append(w.ref("JRG2", c.metas[f"jrg:{p.jrg}"].local_id))
    body += [w.ref("adresDzialki", c.metas[f"adres:{a}"].local_id) for a in p.addresses]
    body.append(w.refs("punktGranicyDzialki", points.refs(p.geom, c.obreb.obreb_id, p.meta)))
    body.append(w.ref("lokalizacjaDzialki", obreb_lid))
    out.feature("EGB_DzialkaEwidencyjna", p.meta, *body)


def _write_contours(
    out: w.EgibFile, c: ObrebContent, obreb_lid: str, seed: int, result: UnitResult
) -> None:
    rng = rng_for(seed, "contours", c.obreb.obreb_id)
    survey = make_meta(seed, "modernizacja", c.obreb.obreb_id, rng)
    for contour in c.land.land_use:
        meta = w.Meta(local_id(seed, "kontur-u", contour.contour_id), survey.start, survey.version)
        out.feature(
            "EGB_KonturUzytkuGruntowego",
            meta,
            w.polygon(meta, contour.geom),
            w.el("idUzytku", contour.contour_id),
            w.el("OFU", contour.ofu),
            w.ref("lokalizacjaUzytku", obreb_lid),
        )
    for contour in c.land.soil:
        meta = w.Meta(local_id(seed, "kontur-k", contour.contour_id), survey.start, survey.version)
        body = [
            w.polygon(meta, contour.geom),
            w.el("idKonturu", contour.contour_id),
            w.el("OZU", contour.ozu),
        ]
        if contour.ozk:
            body.append(w.el("OZK", contour.ozk))
        body.append(w.ref("lokalizacjaKonturu", obreb_lid))
        out.feature("EGB_KonturKlasyfikacyjny", meta, *body)
    _count(result, "land_use_contour", len(c.land.land_use))
    _count(result, "soil_class_contour", len(c.land.soil))


def _write_shares(
    out: w.EgibFile,
    c: ObrebContent,
    pool: SubjectPool,
    seed: int,
    obreb_lid: str,
    result: UnitResult,
) -> None:
    for j, jrg in enumerate(c.jrgs):
        jrg_meta = c.metas[f"jrg:{j}"]
        for k, share in enumerate(jrg.shares):
            kind, idx = share.subject
            subject = (pool.persons[idx] if kind == "person" else pool.others[idx]).local_id
            meta = w.Meta(local_id(seed, "udzial", f"{jrg.jrg_id}:{k}"), jrg_meta.start,
                          jrg_meta.version)  # fmt: skip
            unit = w.render("EGB_JednostkaRejestrowaGruntow", jrg_meta,
                            w.el("idJednostkiRejestrowej", jrg.jrg_id),
                            w.el("grupaRejestrowa", jrg.group), w.ref("lokalizacjaJRG", obreb_lid),
                            gml_id=f"{jrg_meta.gml_id}.u{k + 1}")  # fmt: skip
            frac = [
                w.el("licznikUlamkaOkreslajacegoWartoscUdzialu", share.fraction.numerator),
                w.el("mianownikUlamkaOkreslajacegoWartoscUdzialu", share.fraction.denominator),
            ]
            if share.kind == "ownership":
                out.feature(
                    "EGB_UdzialWeWlasnosci",
                    meta,
                    w.el("rodzajPrawa", share.right),
                    *frac,
                    w.ref("podmiotUdzialuWlasnosci", subject),
                    f"<egb:przedmiotUdzialuWlasnosci>{unit}</egb:przedmiotUdzialuWlasnosci>",
                )
            else:
                out.feature(
                    "EGB_UdzialWeWladaniu",
                    meta,
                    w.el("rodzajWladania", share.right),
                    *frac,
                    w.ref("podmiotUdzialuWeWladaniu", subject),
                    f"<egb:przedmiotUdzialuWladania>{unit}</egb:przedmiotUdzialuWladania>",
                )
            _count(result, "share")
    _count(result, "registration_unit", len(c.jrgs))


def _plan_input(c: ObrebContent) -> dict:
    """What the MPZP generator needs from an obręb it covers."""
    main = next(r for r in c.layout.roads if r.kind in ("main", "street"))
    return {
        "zones": [(z.ofu, z.geom) for z in c.land.land_use],
        "roads": [(p.road.kind, p.geom) for p in c.layout.pieces if p.road is not None],
        "main_road": main.line,
        "name": c.obreb.name,
    }
