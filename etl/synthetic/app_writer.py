"""APP 2.0 GML for the local plans and the general plan, and the project GML for local zones.

Why APP 2.0 (``app2.xsd``): it is the schema in force (Dz.U. 2023 poz. 2409) and it
carries MPZP as ``AktPlanowaniaPrzestrzennego`` with ``typPlanu`` =
miejscowyPlanZagospodarowaniaPrzestrzennego exactly like APP 1.0 did; APP 1.0 would add
nothing and its schema needs the full WFS 2.0 schema set. Neither version has a vector
class for MPZP zones (``StrefaPlanistyczna`` is for the plan ogólny), so the zones go to
a separate file in the project namespace ``urn:x-geoportal:mpzp:1.0``
(``etl/gml/xsd/mpzp-tereny-1.0.xsd``), which references the plan by its gml:identifier.

Both files are ``wfs:FeatureCollection``s (as the official APP QGIS plugin writes them) in
EPSG:2177 (PL-2000 zone 6, the zone the APP plugin assigns to powiat 1003), northing
first, with srsName as an OGC http URI.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TextIO

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import Polygon

from etl.gml import namespaces as ns
from etl.synthetic import gmlwrite as g
from etl.synthetic.general_plan import GeneralZone
from etl.synthetic.geo import polygons_of
from etl.synthetic.plans import Plan

SRS = g.SRS_URI_2177
CODELIST = "https://www.gov.pl/static/zagospodarowanieprzestrzenne/codelist/"
ID_BASE = "https://www.gov.pl/zagospodarowanieprzestrzenne/app/"
INSPIRE = "http://inspire.ec.europa.eu/codelist/"
KPT = "https://www.gov.pl/static/zagospodarowanieprzestrzenne/ontology/KPT#KPT-MPZP-"
STAMP = "2024-03-01T12:00:00Z"
_MONTHS = ("stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia",
           "września", "października", "listopada", "grudnia")  # fmt: skip
_TO_2177 = Transformer.from_crs(2180, 2177, always_xy=True)


def dataset_namespace(gmina_id: str, index: int) -> str:
    """APP przestrzenNazw of a gmina's MPZP dataset (registry number fictional)."""
    return f"PL.ZIPPZP.{9900 + index}/{gmina_id[:6]}-MPZP"


def to_2177(geom: Polygon) -> Polygon:
    """EPSG:2180 -> EPSG:2177 on the centimetre grid."""

    def move(xy: np.ndarray) -> np.ndarray:
        x, y = _TO_2177.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    moved = shapely.set_precision(shapely.transform(geom, move), 0.01)
    return moved if isinstance(moved, Polygon) else max(polygons_of(moved), key=lambda p: p.area)


def _version(plan: Plan) -> str:
    return plan.publication.strftime("%Y%m%dT100000")


def identifier(kind: str, namespace: str, local_id: str, version: str) -> str:
    return f"{ID_BASE}{kind}/{namespace}/{local_id}/{version}"


def _gml_id(namespace: str, local_id: str, version: str) -> str:
    return f"{namespace.replace('/', '_')}_{local_id}_{version}"


def _head(
    tag: str, kind: str, namespace: str, local_id: str, version: str, prefix: str = "app"
) -> str:
    """Member start, gml:identifier (APP classes only) and idIIP."""
    ident = (
        ""
        if prefix != "app"
        else (
            f'<gml:identifier codeSpace="{ID_BASE[:-1]}">'
            f"{identifier(kind, namespace, local_id, version)}</gml:identifier>"
        )
    )
    return (
        f'<wfs:member><{prefix}:{tag} gml:id="{_gml_id(namespace, local_id, version)}">'
        f"{ident}<{prefix}:idIIP><{prefix}:Identyfikator><{prefix}:przestrzenNazw>{namespace}"
        f"</{prefix}:przestrzenNazw><{prefix}:lokalnyId>{g.text(local_id)}</{prefix}:lokalnyId>"
        f"<{prefix}:wersjaId>{version}</{prefix}:wersjaId></{prefix}:Identyfikator>"
        f"</{prefix}:idIIP>"
    )


def _open(path: Path, count: int, extra_ns: str) -> TextIO:
    fh = open(path, "w", encoding="utf-8", newline="\n")
    fh.write(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<wfs:FeatureCollection xmlns:wfs="{ns.WFS20}" xmlns:gml="{ns.GML}" '
        f'xmlns:xlink="{ns.XLINK}" {extra_ns} timeStamp="{STAMP}" '
        f'numberMatched="{count}" numberReturned="{count}">\n'
    )
    return fh


def _polish_date(day: dt.date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year} r."


_MPZP_TYPE = (
    "miejscowyPlanZagospodarowaniaPrzestrzennego",
    "miejscowy plan zagospodarowania przestrzennego",
    "local",
    "lokalny",
)
_POG_TYPE = ("planOgolnyGminy", "plan ogólny gminy", "local", "lokalny")


def write_plans(plans: list[Plan], namespace: str, path: Path) -> None:
    """The APP file of one gmina: each plan and its adopting resolution."""
    fh = _open(
        path, 2 * len(plans), f'xmlns:app="{ns.APP2}" xmlns:gmd="{ns.GMD}" xmlns:gco="{ns.GCO}"'
    )
    for plan in plans:
        fh.write(_plan_members(plan, namespace, _MPZP_TYPE))
    fh.write("</wfs:FeatureCollection>\n")
    fh.close()


def _plan_members(plan: Plan, namespace: str, plan_type: tuple[str, str, str, str]) -> str:
    """The plan (AktPlanowaniaPrzestrzennego) and its adopting resolution (DokumentFormalny)."""
    version, lid = _version(plan), plan.local_id
    doc_lid = lid.replace("_P1", "_Doc1")
    plan_uri = identifier("AktPlanowaniaPrzestrzennego", namespace, lid, version)
    doc_uri = identifier("DokumentFormalny", namespace, doc_lid, version)
    short = f"Uchwała Nr {plan.resolution_no}"
    type_code, type_title, level_code, level_title = plan_type
    geom = g.multisurface([to_2177(p) for p in plan.geom],
                          _gml_id(namespace, lid, version) + ".g", SRS)  # fmt: skip
    akt = (
        _head(
            "AktPlanowaniaPrzestrzennego", "AktPlanowaniaPrzestrzennego", namespace, lid, version
        )  # fmt: skip
        + f"<app:poczatekWersjiObiektu>{plan.publication.isoformat()}T10:00:00Z"
        f"</app:poczatekWersjiObiektu><app:tytul>{g.text(plan.title)}</app:tytul>"
        f'<app:typPlanu xlink:href="{CODELIST}TypAktuPlanowaniaPrzestrzennegoKod/'
        f'{type_code}" xlink:title="{type_title}"/>'
        f'<app:poziomHierarchii xlink:href="{INSPIRE}LevelOfSpatialPlanValue/{level_code}" '
        f'xlink:title="{level_title}"/>'
        f"<app:obowiazujeOd>{plan.valid_from.isoformat()}</app:obowiazujeOd>"
        f'<app:status xlink:href="{INSPIRE}ProcessStepGeneralValue/legalForce" '
        'xlink:title="prawnie wiążący lub realizowany"/>'
        f"<app:zasiegPrzestrzenny>{geom}</app:zasiegPrzestrzenny>"
        f'<app:dokumentUchwalajacy xlink:href="{doc_uri}" xlink:title="{g.text(short)}"/>'
        "</app:AktPlanowaniaPrzestrzennego></wfs:member>\n"
    )
    organ = plan.council.replace("Rady Miejskiej", "Rada Miejska").replace(
        "Rady Gminy", "Rada Gminy"
    )
    title = (
        f"{short} {plan.council} z dnia {_polish_date(plan.resolution_date)} w sprawie "
        f"{plan.title[0].lower()}{plan.title[1:]}"
    )
    doc = (
        _head("DokumentFormalny", "DokumentFormalny", namespace, doc_lid, version)
        + f"<app:tytul>{g.text(title)}</app:tytul><app:nazwaSkrocona>{g.text(short)}"
        f"</app:nazwaSkrocona><app:numerIdentyfikacyjny>{g.text(plan.journal)}"
        f"</app:numerIdentyfikacyjny><app:organUstanawiajacy>{g.text(organ)}"
        "</app:organUstanawiajacy><app:data><gmd:CI_Date><gmd:date><gco:Date>"
        f"{plan.resolution_date.isoformat()}</gco:Date></gmd:date><gmd:dateType>"
        '<gmd:CI_DateTypeCode codeList="http://standards.iso.org/iso/19139/resources/'
        'gmxCodelists.xml#CI_DateTypeCode" codeListValue="creation">utworzenie'
        "</gmd:CI_DateTypeCode></gmd:dateType></gmd:CI_Date></app:data>"
        f"<app:dataWejsciaWZycie>{plan.valid_from.isoformat()}</app:dataWejsciaWZycie>"
        f'<app:dziennikUrzedowy xlink:href="{CODELIST}DziennikUrzedowyKod/'
        'dziennikUrzedowyWojLodzkiego" xlink:title="Dziennik Urzędowy Województwa '
        'Łódzkiego"/>'
        f'<app:uchwala xlink:href="{plan_uri}"/>'
        "</app:DokumentFormalny></wfs:member>\n"
    )
    return akt + doc


def general_plan_namespace(gmina_id: str) -> str:
    """APP przestrzenNazw of a gmina's plan ogólny dataset (registry number fictional)."""
    return f"PL.ZIPPZP.9950/{gmina_id[:6]}-POG"


def write_general_plan(plan: Plan, zones: list[GeneralZone], namespace: str, path: Path) -> None:
    """One APP 2.0 file: the plan ogólny, its resolution and its StrefaPlanistyczna zones."""
    fh = _open(
        path, 2 + len(zones),
        f'xmlns:app="{ns.APP2}" xmlns:gmd="{ns.GMD}" xmlns:gco="{ns.GCO}"',
    )  # fmt: skip
    fh.write(_plan_members(plan, namespace, _POG_TYPE))
    plan_uri = identifier("AktPlanowaniaPrzestrzennego", namespace, plan.local_id, _version(plan))
    for zone in zones:
        fh.write(_general_zone(plan, zone, namespace, plan_uri))
    fh.write("</wfs:FeatureCollection>\n")
    fh.close()


def _general_zone(plan: Plan, zone: GeneralZone, namespace: str, plan_uri: str) -> str:
    """A StrefaPlanistyczna, its elements in the order of app2.xsd."""
    version = _version(plan)
    lid = f"{plan.local_id}-{zone.oznaczenie}"
    kind_code, kind_name = zone.kind
    main, extra = zone.profiles()
    body = [
        f"<app:oznaczenie>{zone.oznaczenie}</app:oznaczenie>",
        f"<app:symbol>{zone.symbol}</app:symbol>",
        f"<app:poczatekWersjiObiektu>{plan.publication.isoformat()}T10:00:00Z"
        "</app:poczatekWersjiObiektu>",
        f"<app:obowiazujeOd>{plan.valid_from.isoformat()}</app:obowiazujeOd>",
        f'<app:status xlink:href="{INSPIRE}ProcessStepGeneralValue/legalForce" '
        'xlink:title="prawnie wiążący lub realizowany"/>',
        f'<app:charakterUstalenia xlink:href="{INSPIRE}RegulationNatureValue/generallyBinding" '
        'xlink:title="ogólnie wiążące"/>',
        "<app:geometria>"
        + g.polygon(to_2177(zone.geom), _gml_id(namespace, lid, version) + ".g", SRS)
        + "</app:geometria>",
        f'<app:plan xlink:href="{plan_uri}" xlink:title="{g.text(plan.title)}"/>',
        f'<app:nazwa xlink:href="{CODELIST}RodzajStrefyPlanistycznejKod/{kind_code}" '
        f'xlink:title="{kind_name}"/>',
    ]
    for element, classes in (("profilPodstawowy", main), ("profilDodatkowy", extra)):
        body += [f'<app:{element} xlink:href="{KPT}{code}" xlink:title="{title}"/>'
                 for code, title in classes]  # fmt: skip
    if (parameters := zone.parameters()) is not None:
        intensity, built, height, bio = parameters
        body += [
            f"<app:maksNadziemnaIntensywnoscZabudowy>{intensity:.1f}"
            "</app:maksNadziemnaIntensywnoscZabudowy>",
            f"<app:maksUdzialPowierzchniZabudowy>{built:.1f}</app:maksUdzialPowierzchniZabudowy>",
            f'<app:maksWysokoscZabudowy uom="m">{height:.1f}</app:maksWysokoscZabudowy>',
            f"<app:minUdzialPowierzchniBiologicznieCzynnej>{bio:.1f}"
            "</app:minUdzialPowierzchniBiologicznieCzynnej>",
        ]
    return (
        _head("StrefaPlanistyczna", "StrefaPlanistyczna", namespace, lid, version)
        + "".join(body)
        + "</app:StrefaPlanistyczna></wfs:member>\n"
    )


def write_zones(plans: list[Plan], namespace: str, path: Path) -> None:
    """The zones (tereny) of the gmina's plans, in the project namespace."""
    count = sum(len(p.zones) for p in plans)
    fh = _open(path, count, f'xmlns:mpzp="{ns.MPZP}"')
    for plan in plans:
        version = _version(plan)
        plan_uri = identifier("AktPlanowaniaPrzestrzennego", namespace, plan.local_id, version)
        for zone in plan.zones:
            lid = f"{plan.local_id}-{zone.oznaczenie}"
            body = [
                f"<mpzp:oznaczenie>{zone.oznaczenie}</mpzp:oznaczenie>",
                f"<mpzp:symbol>{zone.symbol}</mpzp:symbol>",
                f"<mpzp:przeznaczenie>{g.text(zone.designation)}</mpzp:przeznaczenie>",
                f"<mpzp:ustalenia>{g.text(zone.text)}</mpzp:ustalenia>",
            ]
            if zone.max_intensity is not None:
                body.append(
                    "<mpzp:maksNadziemnaIntensywnoscZabudowy>"
                    f"{zone.max_intensity:g}</mpzp:maksNadziemnaIntensywnoscZabudowy>"
                )
            if zone.max_height is not None:
                body.append(
                    f'<mpzp:maksWysokoscZabudowy uom="m">{zone.max_height:g}'
                    "</mpzp:maksWysokoscZabudowy>"
                )
            if zone.min_bio is not None:
                body.append(
                    "<mpzp:minUdzialPowierzchniBiologicznieCzynnej>"
                    f"{zone.min_bio:g}</mpzp:minUdzialPowierzchniBiologicznieCzynnej>"
                )
            body += [
                f"<mpzp:poczatekWersjiObiektu>{plan.publication.isoformat()}T10:00:00Z"
                "</mpzp:poczatekWersjiObiektu>",
                f"<mpzp:obowiazujeOd>{plan.valid_from.isoformat()}</mpzp:obowiazujeOd>",
                "<mpzp:geometria>"
                + g.polygon(to_2177(zone.geom), _gml_id(namespace, lid, version) + ".g", SRS)
                + "</mpzp:geometria>",
                f'<mpzp:plan xlink:href="{plan_uri}" xlink:title="{g.text(plan.title)}"/>',
            ]
            fh.write(
                _head("TerenMPZP", "TerenMPZP", namespace, lid, version, "mpzp")
                + "".join(body)
                + "</mpzp:TerenMPZP></wfs:member>\n"
            )
    fh.write("</wfs:FeatureCollection>\n")
    fh.close()
