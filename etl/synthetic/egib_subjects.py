"""The county-wide subject file: subject addresses, persons, marriages, institutions,
groups. One file so that every subject exists exactly once in a load (the loader rejects
duplicate versions) while shares in the unit files refer to it by URN."""

from __future__ import annotations

from pathlib import Path

from etl.synthetic import egib_writer as w
from etl.synthetic.content import make_meta
from etl.synthetic.ids import rng_for
from etl.synthetic.owners import Person, Subject, SubjectPool


def write_subjects(pool: SubjectPool, seed: int, path: Path) -> dict[str, int]:
    """Write all subjects; returns counts."""
    rng = rng_for(seed, "subject-dates")
    out = w.EgibFile(path, "EGiB_1003_podmioty")
    for a in pool.addresses:
        meta = make_meta(seed, "adres-podmiotu-meta", a.local_id, rng)
        meta = w.Meta(a.local_id, meta.start, meta.version)
        body = [
            w.el("kraj", "Polska"),
            w.el("miejscowosc", a.locality),
            w.el("kodPocztowy", a.postcode),
        ]
        if a.street:
            body.append(w.el("ulica", a.street))
        body.append(w.el("numerPorzadkowy", a.number))
        out.feature("EGB_AdresPodmiotu", meta, *body)
    for person in pool.persons:
        _person(out, pool, person, seed, rng)
    for subject in pool.others:
        _other(out, pool, subject, seed, rng)
    out.close()
    return {"subject": len(pool.persons) + len(pool.others), "subject_address": len(pool.addresses)}


def _meta(seed: int, local_id: str, rng) -> w.Meta:
    dates = make_meta(seed, "podmiot-meta", local_id, rng)
    return w.Meta(local_id, dates.start, dates.version)


def _person(out: w.EgibFile, pool: SubjectPool, p: Person, seed: int, rng) -> None:
    body = [w.el("pierwszeImie", p.first), w.el("pierwszyCzlonNazwiska", p.surname)]
    if p.surname2:
        body.append(w.el("drugiCzlonNazwiska", p.surname2))
    if p.second:
        body.append(w.el("drugieImie", p.second))
    body += [
        w.el("imieOjca", p.father),
        w.el("imieMatki", p.mother),
        w.el("pesel", p.pesel),
        w.el("plec", 1 if p.male else 2),
        w.el("status", 1),
        w.ref("adresZameldowania", pool.addresses[p.address].local_id),
    ]
    out.feature("EGB_OsobaFizyczna", _meta(seed, p.local_id, rng), *body)


def _other(out: w.EgibFile, pool: SubjectPool, s: Subject, seed: int, rng) -> None:
    meta = _meta(seed, s.local_id, rng)
    if s.kind == "marriage":
        a, b = (pool.persons[i].local_id for i in s.members)
        out.feature(
            "EGB_Malzenstwo",
            meta,
            w.ref("osobaFizyczna2", a),
            w.ref("osobaFizyczna3", b),
            w.el("status", s.status),
        )
        return
    if s.kind == "institution":
        body = [
            w.el("nazwaPelna", s.name),
            w.el("nazwaSkrocona", s.short),
            w.el("regon", s.regon),
            w.el("status", s.status),
        ]
        if s.address is not None:
            body.append(w.ref("adresSiedziby", pool.addresses[s.address].local_id))
        out.feature("EGB_Instytucja", meta, *body)
        return
    members = [w.ref("osobaFizyczna4", pool.persons[i].local_id) for i in s.members]
    out.feature(
        "EGB_PodmiotGrupowy", meta, w.el("nazwaPelna", s.name), w.el("status", s.status), *members
    )
