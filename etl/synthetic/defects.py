"""Inject known defects into the demo county's exchange files, with a manifest of each.

The quality checks are tested by recall and precision: every injected defect must be
found by the check named in the manifest, and nothing else may be flagged on the clean
county. Each defect class picks features at a chosen rate (at least one per class),
changes them the way real deliveries are broken (a bow-tie ring, a parcel shifted over
its neighbour, a wrong code, a legal area off by half…), and records the object by its
id as written in the file plus the ids a side effect may name (its obręb, its plan).

Files are parsed whole with the safe parser (the demo files are a few MB); coordinates
keep the file's axis order (northing first under the authority URNs the generator uses).
"""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import shapely
from lxml import etree
from shapely.affinity import translate
from shapely.geometry import Polygon

from etl.gml import namespaces as ns
from etl.gml.safe import safe_parser

G = f"{{{ns.GML}}}"
EGB = f"{{{ns.EGIB2021}}}"
MPZP = f"{{{ns.MPZP}}}"


@dataclass
class Injected:
    """One injected defect: which check must find it, and how it is named."""

    defect: str
    check: str
    table: str
    label: str  # the object's id as written in the (changed) file
    related: list[str] = field(default_factory=list)  # ids a side effect may name


@dataclass
class _Files:
    """The parsed files and the features by class, shared by the mutations."""

    trees: dict[Path, etree._ElementTree] = field(default_factory=dict)
    features: dict[str, list[etree._Element]] = field(default_factory=dict)
    districts: dict[str, Polygon] = field(default_factory=dict)
    used: set[int] = field(default_factory=set)  # id() of features already changed


def inject_defects(source: Path, target: Path, rate: float = 0.01, seed: int = 7) -> list[Injected]:
    """Copy the county from ``source`` to ``target`` with defects; write ``manifest.json``."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target)
    files = _parse(sorted(target.rglob("*.gml")))
    rng = random.Random(seed)
    injected: list[Injected] = []
    for defect, (feature_class, mutate) in MUTATIONS.items():
        candidates = [f for f in files.features.get(feature_class, []) if id(f) not in files.used]
        count = max(1, round(rate * len(candidates)))
        for feature in rng.sample(candidates, min(count, len(candidates))):
            entry = mutate(feature, files, rng)
            if entry is not None:
                files.used.add(id(feature))
                entry.defect = defect
                injected.append(entry)
    for path, tree in files.trees.items():
        tree.write(str(path), xml_declaration=True, encoding="UTF-8")
    manifest = [asdict(entry) for entry in injected]
    (target / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    return injected


def _parse(paths: list[Path]) -> _Files:
    files = _Files()
    for path in paths:
        tree = etree.parse(str(path), safe_parser())
        files.trees[path] = tree
        for member in tree.getroot():
            for feature in member:
                if isinstance(feature.tag, str):
                    name = etree.QName(feature).localname
                    files.features.setdefault(name, []).append(feature)
    for district in files.features.get("EGB_ObrebEwidencyjny", []):
        files.districts[_text(district, "idObrebu")] = _polygon(district)
    return files


# ---- geometry in the file's axis order (northing, easting) -------------------------------


def _pos_list(feature: etree._Element) -> etree._Element:
    return next(feature.iter(f"{G}posList"))


def _polygon(feature: etree._Element) -> Polygon:
    values = np.array(_pos_list(feature).text.split(), dtype=float).reshape(-1, 2)
    return Polygon(values[:, ::-1])  # easting first


def _set_polygon(feature: etree._Element, polygon: Polygon) -> None:
    """Replace the exterior ring (interior rings of the demo parcels are rare: dropped)."""
    coords = np.asarray(polygon.exterior.coords)[:, ::-1]
    _pos_list(feature).text = " ".join(f"{v:.2f}" for v in coords.ravel())
    for interior in list(feature.iter(f"{G}interior")):
        interior.getparent().remove(interior)


def _text(feature: etree._Element, name: str) -> str:
    element = feature.find(f".//{EGB}{name}")
    if element is None:
        element = feature.find(f".//{MPZP}{name}")
    return (element.text or "").strip() if element is not None else ""


def _set_text(feature: etree._Element, name: str, value: str) -> None:
    for element in feature.iter(f"{EGB}{name}", f"{MPZP}{name}"):
        element.text = value


def _district_of(parcel_id: str) -> str:
    return ".".join(parcel_id.split(".")[:2])


# ---- the mutations ------------------------------------------------------------------------

Mutation = Callable[[etree._Element, _Files, random.Random], Injected | None]


def _parcel_entry(check: str, feature: etree._Element, label: str | None = None) -> Injected:
    parcel_id = label or _text(feature, "idDzialki")
    return Injected("", check, "parcel", parcel_id, [parcel_id, _district_of(parcel_id)])


def bow_tie(feature: etree._Element, files: _Files, rng: random.Random) -> Injected | None:
    """Swap two vertices of the ring: it crosses itself."""
    coords = np.asarray(_polygon(feature).exterior.coords)[:-1]
    if len(coords) < 5:
        return None
    k = rng.randrange(1, len(coords) - 2)
    coords[[k, k + 1]] = coords[[k + 1, k]]
    ring = Polygon(coords)
    if ring.is_valid:
        return None
    _set_polygon(feature, ring)
    return _parcel_entry("invalid_geometry", feature)


def no_geometry(feature: etree._Element, files: _Files, rng: random.Random) -> Injected | None:
    """An empty coordinate list: the building has no geometry."""
    _pos_list(feature).text = ""
    building_id = _text(feature, "idBudynku")
    return Injected("", "empty_geometry", "building", building_id, [building_id])


def repeat_vertex(feature: etree._Element, files: _Files, rng: random.Random) -> Injected | None:
    """One vertex written twice in a row."""
    coords = list(np.asarray(_polygon(feature).exterior.coords))
    k = rng.randrange(1, len(coords) - 1)
    coords.insert(k, coords[k])
    values = np.array(coords)[:, ::-1]
    _pos_list(feature).text = " ".join(f"{v:.2f}" for v in values.ravel())
    contour_id = _text(feature, "idUzytku")
    return Injected("", "repeated_vertices", "land_use_contour", contour_id, [contour_id])


def heights(feature: etree._Element, files: _Files, rng: random.Random) -> Injected | None:
    """3D coordinates: a height after every vertex (srsDimension 3)."""
    pos_list = _pos_list(feature)
    pairs = np.array(pos_list.text.split(), dtype=float).reshape(-1, 2)
    height = round(rng.uniform(150, 250), 2)
    pos_list.text = " ".join(f"{a:.2f} {b:.2f} {height:.2f}" for a, b in pairs)
    pos_list.set("srsDimension", "3")
    building_id = _text(feature, "idBudynku")
    return Injected("", "z_dropped", "building", building_id, [building_id])


def outline_only(feature: etree._Element, files: _Files, rng: random.Random) -> Injected | None:
    """The building's outline as a line (gml:LineString) where a surface belongs."""
    polygon = next(feature.iter(f"{G}Polygon"))
    line = etree.Element(f"{G}LineString", {f"{G}id": polygon.get(f"{G}id", "l") + "_line"})
    etree.SubElement(line, f"{G}posList").text = _pos_list(feature).text
    for name, value in polygon.attrib.items():
        if name == "srsName":
            line.set(name, value)
    polygon.getparent().replace(polygon, line)
    building_id = _text(feature, "idBudynku")
    return Injected("", "wrong_geometry_type", "building", building_id, [building_id])


def garbled_name(feature: etree._Element, files: _Files, rng: random.Random) -> Injected | None:
    """The obręb's name written in UTF-8 and read back as CP1250: "Wólka" → "WĂłlka"."""
    name = _text(feature, "nazwaWlasna")
    if not name:
        return None
    _set_text(feature, "nazwaWlasna", f"{name} {'Wólka'.encode().decode('cp1250')}")
    district_id = _text(feature, "idObrebu")
    return Injected("", "mojibake", "cadastral_district", district_id, [district_id])


def _moved(distance: float, check: str) -> Mutation:
    def move(feature: etree._Element, files: _Files, rng: random.Random) -> Injected | None:
        _set_polygon(feature, translate(_polygon(feature), xoff=distance))
        building_id = _text(feature, "idBudynku")
        return Injected("", check, "building", building_id, [building_id])

    move.__doc__ = f"The building moved {distance / 1000:g} km east."
    return move


def needle(feature: etree._Element, files: _Files, rng: random.Random) -> Injected | None:
    """The building becomes a 10 cm × 40 m needle where it stood."""
    centre = _polygon(feature).representative_point()
    _set_polygon(
        feature, shapely.box(centre.x - 20, centre.y - 0.05, centre.x + 20, centre.y + 0.05)
    )
    building_id = _text(feature, "idBudynku")
    return Injected("", "sliver", "building", building_id, [building_id])


def shift_parcel(feature: etree._Element, files: _Files, rng: random.Random) -> Injected | None:
    """The parcel shifted 3 m onto its neighbours."""
    angle = rng.uniform(0, 2 * np.pi)
    _set_polygon(feature, translate(_polygon(feature), 3 * np.cos(angle), 3 * np.sin(angle)))
    return _parcel_entry("parcel_overlap", feature)


def shrink_parcel(feature: etree._Element, files: _Files, rng: random.Random) -> Injected | None:
    """The parcel 2 m smaller all round: a gap opens in its obręb."""
    smaller = _polygon(feature).buffer(-2.0, join_style="mitre")
    if not isinstance(smaller, Polygon) or smaller.area < 100:
        return None
    _set_polygon(feature, smaller)
    return _parcel_entry("parcel_gap", feature)


def push_out(feature: etree._Element, files: _Files, rng: random.Random) -> Injected | None:
    """A parcel on the obręb's edge pushed 20 m out of it."""
    polygon = _polygon(feature)
    district = files.districts.get(_district_of(_text(feature, "idDzialki")))
    if district is None or not polygon.intersects(district.exterior):
        return None
    away = np.array(polygon.centroid.coords[0]) - np.array(district.centroid.coords[0])
    step = 20 * away / max(np.linalg.norm(away), 1e-9)
    _set_polygon(feature, translate(polygon, step[0], step[1]))
    return _parcel_entry("parcel_outside_district", feature)


def letter_in_number(feature: etree._Element, files: _Files, rng: random.Random) -> Injected | None:
    """A letter after the parcel number (as some county systems write them)."""
    parcel_id = _text(feature, "idDzialki") + "a"
    _set_text(feature, "idDzialki", parcel_id)
    return _parcel_entry("parcel_id_not_strict", feature, parcel_id)


def twin_id(feature: etree._Element, files: _Files, rng: random.Random) -> Injected | None:
    """The parcel gets the identifier of another parcel of its obręb."""
    parcel_id = _text(feature, "idDzialki")
    others = [p for p in files.features["EGB_DzialkaEwidencyjna"] if p is not feature
              and _district_of(_text(p, "idDzialki")) == _district_of(parcel_id)]  # fmt: skip
    if not others:
        return None
    twin = rng.choice(others)
    files.used.add(id(twin))
    _set_text(feature, "idDzialki", _text(twin, "idDzialki"))
    return _parcel_entry("duplicate_parcel_id", feature, _text(twin, "idDzialki"))


def wrong_obreb(feature: etree._Element, files: _Files, rng: random.Random) -> Injected | None:
    """The identifier names obręb 99xx while the parcel lies in (and links to) its own."""
    original = _text(feature, "idDzialki")
    parts = original.split(".")
    parcel_id = ".".join([parts[0], "99" + parts[1][-2:], *parts[2:]])  # unique per obręb
    _set_text(feature, "idDzialki", parcel_id)
    entry = _parcel_entry("parcel_district_mismatch", feature, parcel_id)
    entry.related.append(_district_of(original))
    return entry


def _code(element: str, value: str, check: str, table: str, id_element: str) -> Mutation:
    def recode(feature: etree._Element, files: _Files, rng: random.Random) -> Injected | None:
        if feature.find(f".//{EGB}{element}") is None:
            return None
        _set_text(feature, element, value)
        label = _text(feature, id_element)
        return Injected("", check, table, label, [label])

    recode.__doc__ = f"{element} set to {value!r}, outside the code list."
    return recode


def legal_area(feature: etree._Element, files: _Files, rng: random.Random) -> Injected | None:
    """The legal area half as big again as the parcel."""
    element = feature.find(f"{EGB}poleEwidencyjne")
    element.text = f"{float(element.text) * 1.5:.4f}"
    return _parcel_entry("area_difference", feature)


def land_use_sum(feature: etree._Element, files: _Files, rng: random.Random) -> Injected | None:
    """One klasoużytek half a hectare bigger: the land uses no longer add up."""
    element = feature.find(f".//{EGB}EGB_Klasouzytek/{EGB}powierzchnia")
    if element is None:
        return None
    element.text = f"{float(element.text) + 0.5:.4f}"
    return _parcel_entry("land_use_sum", feature)


def parcel_land_use_code(
    feature: etree._Element, files: _Files, rng: random.Random
) -> Injected | None:
    """A klasoużytek of the parcel with an OFU outside the list."""
    element = feature.find(f".//{EGB}EGB_Klasouzytek/{EGB}OFU")
    if element is None:
        return None
    element.text = "Qq"
    return _parcel_entry("parcel_land_use_code", feature)


def _zone_entry(check: str, feature: etree._Element) -> Injected:
    lid = feature.find(".//{*}lokalnyId").text.strip()
    space = feature.find(".//{*}przestrzenNazw").text.strip()
    zone_id = f"{space}/{lid}"
    return Injected("", check, "plan_zone", zone_id, [zone_id, zone_id.rsplit("-", 1)[0]])


def _zone_geometry(feature: etree._Element, change: Callable[[Polygon], Polygon]) -> None:
    _set_polygon(feature, change(_polygon(feature)))


def grow_zone(feature: etree._Element, files: _Files, rng: random.Random) -> Injected | None:
    """The zone 8 m bigger all round: it covers its neighbours."""
    _zone_geometry(feature, lambda p: p.buffer(8, join_style="mitre"))
    return _zone_entry("zone_overlap", feature)


def move_zone(feature: etree._Element, files: _Files, rng: random.Random) -> Injected | None:
    """The zone moved 5 km: outside its plan."""
    _zone_geometry(feature, lambda p: translate(p, 5000, 5000))
    return _zone_entry("zone_outside_plan", feature)


def strange_symbol(feature: etree._Element, files: _Files, rng: random.Random) -> Injected | None:
    """A symbol no list knows."""
    _set_text(feature, "oznaczenie", "1XQZ")
    _set_text(feature, "symbol", "XQZ")
    return _zone_entry("zone_symbol", feature)


PARCEL, BUILDING = "EGB_DzialkaEwidencyjna", "EGB_Budynek"
MUTATIONS: dict[str, tuple[str, Mutation]] = {
    "bow_tie": (PARCEL, bow_tie),
    "no_geometry": (BUILDING, no_geometry),
    "repeated_vertex": ("EGB_KonturUzytkuGruntowego", repeat_vertex),
    "outside_poland": (BUILDING, _moved(1_500_000, "outside_poland")),
    "outside_county": (BUILDING, _moved(60_000, "outside_county")),
    "building_off_parcels": (BUILDING, _moved(60_000, "building_outside_parcels")),
    "needle": (BUILDING, needle),
    "shifted_parcel": (PARCEL, shift_parcel),
    "shrunk_parcel": (PARCEL, shrink_parcel),
    "parcel_pushed_out": (PARCEL, push_out),
    "letter_in_number": (PARCEL, letter_in_number),
    "twin_id": (PARCEL, twin_id),
    "wrong_obreb": (PARCEL, wrong_obreb),
    "ofu_code": ("EGB_KonturUzytkuGruntowego",
                 _code("OFU", "Xx", "land_use_code", "land_use_contour", "idUzytku")),
    "ozk_code": ("EGB_KonturKlasyfikacyjny",
                 _code("OZK", "VII", "soil_class_code", "soil_class_contour", "idKonturu")),
    "kst_code": (BUILDING, _code("rodzajWgKST", "x", "building_kind_code", "building",
                                 "idBudynku")),
    "z_coordinates": (BUILDING, heights),
    "line_for_surface": (BUILDING, outline_only),
    "mojibake": ("EGB_ObrebEwidencyjny", garbled_name),
    "legal_area": (PARCEL, legal_area),
    "land_use_sum": (PARCEL, land_use_sum),
    "parcel_land_use_code": (PARCEL, parcel_land_use_code),
    "grown_zone": ("TerenMPZP", grow_zone),
    "moved_zone": ("TerenMPZP", move_zone),
    "strange_symbol": ("TerenMPZP", strange_symbol),
}  # fmt: skip
