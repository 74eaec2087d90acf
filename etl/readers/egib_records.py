"""EGiB feature -> table record builders (one function per feature class).

Element names of the 2021 model come first; where the 2015 model differs its name is
listed as an alternative (e.g. ``powierzchniaEwidencyjna``, ``lokalizacjaDzialki2``).
Every record carries all columns of its table.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from lxml import etree

from etl.readers.base import (
    GML_ID,
    Noting,
    children,
    decimal,
    first_text,
    href_of,
    identity,
    integer,
    local,  # fmt: skip
    ref_key,
    timestamp,
)

if TYPE_CHECKING:
    from etl.readers.egib_gml import EgibGmlReader

Kids = dict[str, list[etree._Element]]
Records = Iterator[tuple[str, dict[str, Any]]]
QUIET = {"EGB_AdresPodmiotu", "KR_ObiektKarto", "PrezentacjaGraficzna"}
_BUSINESS = {"EGB_JednostkaEwidencyjna": "idJednostkiEwid", "EGB_ObrebEwidencyjny": "idObrebu",
             "EGB_DzialkaEwidencyjna": "idDzialki", "EGB_Budynek": "idBudynku",
             "EGB_JednostkaRejestrowaGruntow": "idJednostkiRejestrowej",
             "EGB_JednostkaRejestrowaBudynkow": "idJednostkiRejestrowej",
             "EGB_JednostkaRejestrowaLokali": "idJednostkiRejestrowej"}  # fmt: skip


def business_id(name: str, kids: Kids) -> str | None:
    field = _BUSINESS.get(name)
    return first_text(kids, field) if field else None


def local_id_of(kids: Kids) -> str | None:
    return identity(kids)[1]


def subject_address_text(kids: Kids) -> str | None:
    street, number = first_text(kids, "ulica"), first_text(kids, "numerPorzadkowy") or ""
    locality, postcode = first_text(kids, "miejscowosc") or "", first_text(kids, "kodPocztowy")
    flat = first_text(kids, "numerLokalu")
    number = f"{number}/{flat}" if flat else number
    head = f"ul. {street} {number}" if street else f"{locality} {number}"
    tail = f"{postcode} {locality}" if postcode else locality
    return f"{head.strip()}, {tail.strip()}".strip(", ") or None


def common(reader: Noting, feature: etree._Element, kids: Kids) -> dict[str, Any]:
    """The versioning columns every table has (any reader that notes findings)."""
    space, lid, version = identity(kids)
    if not lid:
        reader.note(
            "no_idIIP", "object without idIIP; gml:id used as local id", feature.get(GML_ID)
        )
        space, lid, version = space or "unknown", feature.get(GML_ID) or "?", version or "0"
    start = timestamp(first_text(kids, "startObiekt"))
    version_start = timestamp(first_text(kids, "startWersjaObiekt")) or timestamp(version) or start
    if version_start is None:
        reader.note("no_version_start", "no startWersjaObiekt (and no usable wersjaId)", lid)
    return {
        "namespace": space,
        "local_id": lid,
        "version_id": version or "",
        "object_start": start,
        "version_start": version_start,
        "version_end": timestamp(first_text(kids, "koniecWersjaObiekt")),
        "object_end": timestamp(first_text(kids, "koniecObiekt")),
    }


def _prop(kids: Kids, *names: str) -> etree._Element | None:
    for name in names:
        if kids.get(name):
            return kids[name][0]
    return None


def unit(reader: EgibGmlReader, f: etree._Element) -> Records:
    kids = children(f)
    row = common(reader, f, kids)
    unit_id = first_text(kids, "idJednostkiEwid") or ""
    row |= {
        "unit_id": unit_id,
        "name": first_text(kids, "nazwaWlasna") or unit_id,
        "geom": reader.geometry.surface(_prop(kids, "geometria"), unit_id),
    }
    yield "cadastral_unit", row


def district(reader: EgibGmlReader, f: etree._Element) -> Records:
    kids = children(f)
    row = common(reader, f, kids)
    district_id = first_text(kids, "idObrebu") or ""
    unit_id = reader.resolve(_prop(kids, "lokalizacjaObrebu", "lokalizacjaObrebu2"), "unit",
                             district_id) or district_id.split(".")[0]  # fmt: skip
    row |= {"district_id": district_id, "name": first_text(kids, "nazwaWlasna") or district_id,
            "unit_id": unit_id, "geom": reader.geometry.surface(_prop(kids, "geometria"),
                                                                  district_id)}  # fmt: skip
    yield "cadastral_district", row


def parcel(reader: EgibGmlReader, f: etree._Element) -> Records:
    kids = children(f)
    row = common(reader, f, kids)
    parcel_id = first_text(kids, "idDzialki") or ""
    number, sheet, from_id = reader.parcel_parts(parcel_id)
    district_id = reader.resolve(_prop(kids, "lokalizacjaDzialki", "lokalizacjaDzialki2"),
                                 "obręb", parcel_id) or from_id  # fmt: skip
    area = reader.area_ha(_prop(kids, "poleEwidencyjne", "powierzchniaEwidencyjna"))
    if area is None or district_id is None:
        reader.note("parcel_skipped", "parcel without legal area or obręb not loaded", parcel_id)
        return
    if kids.get("klasouzytekWGranicachDzialki"):
        reader.note("land_use_by_reference", "klasoużytki given only by reference (2015 "
                    "model); land_uses left empty", parcel_id)  # fmt: skip
    kw = [e.text.strip() for e in kids.get("numerKW", []) if e.text and e.text.strip()]
    row |= {"parcel_id": parcel_id, "number": number, "sheet": sheet, "district_id": district_id,
            "area_ha": area,
            "area_precision": integer(first_text(kids, "dokladnoscReprezentacjiPola",
                                                 "informacjaODokladnReprezentacjiPola")),
            "land_register_no": "; ".join(kw) or None,
            "registration_unit_id": reader.resolve(_prop(kids, "JRG2", "JRG"), "JRG", parcel_id),
            "land_uses": _land_uses(kids),
            "geom": reader.geometry.surface(_prop(kids, "geometria"), parcel_id)}  # fmt: skip
    yield "parcel", row


def _land_uses(kids: Kids) -> list[dict[str, Any]]:
    out = []
    for holder in kids.get("klasouzytek", []):
        for item in holder:
            if local(item.tag) != "EGB_Klasouzytek":
                continue
            k = children(item)
            area = decimal(first_text(k, "powierzchnia"))
            out.append(
                {
                    "ofu": first_text(k, "OFU"),
                    "ozu": first_text(k, "OZU"),
                    "ozk": first_text(k, "OZK"),
                    "area_ha": float(area) if area is not None else None,
                }
            )
    return out


def building(reader: EgibGmlReader, f: etree._Element) -> Records:
    kids = children(f)
    row = common(reader, f, kids)
    building_id = first_text(kids, "idBudynku") or ""
    area = _prop(kids, "powZabudowy")
    built = decimal(first_text(kids, "powZabudowy"))
    if built is not None and area is not None and (area.get("uom") or "m2").lower() == "ha":
        built *= 10000
    parcels = [reader.resolve(e, "parcel", building_id) for e in kids.get("dzialkaZabudowana", [])]
    row |= {"building_id": building_id, "kst_type": first_text(kids, "rodzajWgKST"),
            "floors_above": integer(first_text(kids, "liczbaKondygnacjiNadziemnych")),
            "floors_below": integer(first_text(kids, "liczbaKondygnacjiPodziemnych")),
            "built_up_area_m2": built, "parcel_ids": [p for p in parcels if p],
            "registration_unit_id": reader.resolve(_prop(kids, "JRBdlaBudynku"), "JRB",
                                                   building_id),
            "geom": reader.geometry.surface(_prop(kids, "geometria"), building_id)}  # fmt: skip
    yield "building", row


def land_use_contour(reader: EgibGmlReader, f: etree._Element) -> Records:
    kids = children(f)
    row = common(reader, f, kids)
    contour_id = first_text(kids, "idUzytku") or row["local_id"]
    row |= {
        "contour_id": contour_id,
        "ofu": first_text(kids, "OFU") or "",
        "geom": reader.geometry.surface(_prop(kids, "geometria"), contour_id),
    }
    yield "land_use_contour", row


def soil_contour(reader: EgibGmlReader, f: etree._Element) -> Records:
    kids = children(f)
    row = common(reader, f, kids)
    contour_id = first_text(kids, "idKonturu") or row["local_id"]
    row |= {
        "contour_id": contour_id,
        "ozu": first_text(kids, "OZU") or "",
        "ozk": first_text(kids, "OZK"),
        "geom": reader.geometry.surface(_prop(kids, "geometria"), contour_id),
    }
    yield "soil_class_contour", row


def address(reader: EgibGmlReader, f: etree._Element) -> Records:
    kids = children(f)
    row = common(reader, f, kids)
    number = first_text(kids, "numerPorzadkowy")
    if number is None:
        reader.note("address_skipped", "address without house number not loaded", row["local_id"])
        return
    keys = [k for k in (row["local_id"], f.get(GML_ID)) if k]
    parcel_id = next((reader.address_parcel[k] for k in keys if k in reader.address_parcel), None)
    if parcel_id is None:
        via = next((reader.address_parcel.get("bud:" + k) for k in keys), None)
        parcel_id = reader.index.get(via) if via else None
    row |= {
        "locality": first_text(kids, "nazwaMiejscowosci", "miejscowosc") or "",
        "street": first_text(kids, "nazwaUlicy", "ulica"),
        "house_number": number,
        "postcode": first_text(kids, "kodPocztowy"),
        "parcel_id": parcel_id,
        "geom": reader.geometry.point(_prop(kids, "geometria", "pozycja"), row["local_id"]),
    }
    yield "address", row


def boundary_point(reader: EgibGmlReader, f: etree._Element) -> Records:
    kids = children(f)
    row = common(reader, f, kids)
    point_id = first_text(kids, "idPunktu") or row["local_id"]
    row |= {
        "point_id": point_id,
        "acquisition": first_text(kids, "sposobPozyskania", "zrodloDanychZRD"),
        "accuracy": first_text(kids, "spelnienieWarunkowDokl"),
        "stabilisation": first_text(kids, "rodzajStabilizacji", "kodStabilizacji"),
        "geom": reader.geometry.point(_prop(kids, "geometria", "pozycja"), point_id),
    }
    yield "boundary_point", row


def registration(reader: EgibGmlReader, f: etree._Element) -> Records:
    kids = children(f)
    row = common(reader, f, kids)
    if not reader.once(("registration_unit", row["namespace"], row["local_id"],
                        row["version_id"])):  # fmt: skip
        return
    unit_id = first_text(kids, "idJednostkiRejestrowej") or ""
    where = _prop(kids, "lokalizacjaJRG", "lokalizacjaJRB", "lokalizacjaJRL")
    district_id = reader.resolve(where, "obręb", unit_id) or unit_id.rsplit(".", 1)[0] or None
    row |= {
        "registration_unit_id": unit_id,
        "district_id": district_id,
        "registry_group": integer(first_text(kids, "grupaRejestrowa")),
    }
    yield "registration_unit", row


def share(reader: EgibGmlReader, f: etree._Element) -> Records:
    kids = children(f)
    row = common(reader, f, kids)
    owning = local(f.tag) == "EGB_UdzialWeWlasnosci"
    subject = _prop(kids, "podmiotUdzialuWlasnosci" if owning else "podmiotUdzialuWeWladaniu")
    target = _prop(kids, "przedmiotUdzialuWlasnosci" if owning else "przedmiotUdzialuWladania")
    unit_id = None
    for nested in target if target is not None else []:
        if isinstance(nested.tag, str):  # the unit given inline (required by EGIB.XSD)
            yield from registration(reader, nested)
            unit_id = first_text(children(nested), "idJednostkiRejestrowej")
    unit_id = unit_id or reader.resolve(target, "registration unit", row["local_id"])
    subject_id = _subject_key(subject)
    numerator = integer(first_text(kids, "licznikUlamkaOkreslajacegoWartoscUdzialu"))
    denominator = integer(first_text(kids, "mianownikUlamkaOkreslajacegoWartoscUdzialu"))
    if numerator is None or denominator is None:
        reader.note(
            "share_without_fraction", "share without a fraction; read as 1/1", row["local_id"]
        )
        numerator, denominator = 1, 1
    if unit_id is None or subject_id is None:
        reader.note(
            "share_skipped",
            "share without subject or registration unit not loaded",
            row["local_id"],
        )
        return
    row |= {
        "share_kind": "ownership" if owning else "holding",
        "registration_unit_id": unit_id,
        "subject_local_id": subject_id,
        "numerator": numerator,
        "denominator": denominator,
        "right_kind": first_text(kids, "rodzajPrawa" if owning else "rodzajWladania"),
    }
    yield "share", row


def _subject_key(prop: etree._Element | None) -> str | None:
    if prop is None:
        return None
    href = href_of(prop)
    if href:
        return ref_key(href)
    for nested in prop:
        if isinstance(nested.tag, str):
            return identity(children(nested))[1]
    return None


_SUBJECT_COLUMNS = ("first_name", "second_name", "surname", "father_name", "mother_name",
                    "pesel", "regon", "name", "address", "member_ids")  # fmt: skip
_MEMBER_PROPS = ("osobaFizyczna2", "osobaFizyczna3", "osobaFizyczna4", "instytucja",
                 "malzenstwo3", "podmiotUprawniony", "malzenstwoUprawnione",
                 "osobaFizycznaUprawniona")  # fmt: skip
_KIND = {"EGB_OsobaFizyczna": "person", "EGB_Instytucja": "institution",
         "EGB_Malzenstwo": "marriage", "EGB_PodmiotGrupowy": "group",
         "EGB_WspolnotaGruntowa": "group"}  # fmt: skip


def subject(reader: EgibGmlReader, f: etree._Element) -> Records:
    kids = children(f)
    row = common(reader, f, kids) | dict.fromkeys(_SUBJECT_COLUMNS)
    kind = _KIND[local(f.tag)]
    row["subject_kind"] = kind
    address_ref = _prop(kids, "adresStalegoPobytu", "adresZameldowania", "adresSiedziby")
    if (href := href_of(address_ref)) is not None:
        row["address"] = reader.subject_address.get(ref_key(href))
    if kind == "person":
        surname = first_text(kids, "pierwszyCzlonNazwiska")
        second = first_text(kids, "drugiCzlonNazwiska")
        row |= {
            "first_name": first_text(kids, "pierwszeImie"),
            "second_name": first_text(kids, "drugieImie"),
            "surname": f"{surname}-{second}" if surname and second else surname,
            "father_name": first_text(kids, "imieOjca"),
            "mother_name": first_text(kids, "imieMatki"),
            "pesel": first_text(kids, "pesel"),
        }
    else:
        row["name"] = first_text(kids, "nazwaPelna", "nazwa", "nazwaSkrocona")
        row["regon"] = first_text(kids, "regon")
        members = [ref_key(h) for name in _MEMBER_PROPS for e in kids.get(name, [])
                   if (h := href_of(e))]  # fmt: skip
        row["member_ids"] = members or None
    yield "subject", row


HANDLERS = {
    "EGB_JednostkaEwidencyjna": unit, "EGB_ObrebEwidencyjny": district,
    "EGB_DzialkaEwidencyjna": parcel, "EGB_Budynek": building,
    "EGB_KonturUzytkuGruntowego": land_use_contour, "EGB_KonturKlasyfikacyjny": soil_contour,
    "EGB_AdresNieruchomosci": address, "EGB_PunktGraniczny": boundary_point,
    "EGB_JednostkaRejestrowaGruntow": registration,
    "EGB_JednostkaRejestrowaBudynkow": registration, "EGB_JednostkaRejestrowaLokali": registration,
    "EGB_UdzialWeWlasnosci": share, "EGB_UdzialWeWladaniu": share,
    **{name: subject for name in _KIND},
}  # fmt: skip
