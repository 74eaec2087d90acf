"""APP 2.0 GML for the local plans, and the project GML for their zones.

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
from etl.synthetic.geo import polygons_of
from etl.synthetic.plans import Plan

SRS = g.SRS_URI_2177
CODELIST = "https://www.gov.pl/static/zagospodarowanieprzestrzenne/codelist/"
ID_BASE = "https://www.gov.pl/zagospodarowanieprzestrzenne/app/"
INSPIRE = "http://inspire.ec.europa.eu/codelist/"
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


def write_plans(plans: list[Plan], namespace: str, path: Path) -> None:
    """The APP file of one gmina: each plan and its adopting resolution."""
    fh = _open(
        path, 2 * len(plans), f'xmlns:app="{ns.APP2}" xmlns:gmd="{ns.GMD}" xmlns:gco="{ns.GCO}"'
    )
    for plan in plans:
        version, lid = _version(plan), plan.local_id
        doc_lid = lid.replace("_P1", "_Doc1")
        plan_uri = identifier("AktPlanowaniaPrzestrzennego", namespace, lid, version)
        doc_uri = identifier("DokumentFormalny", namespace, doc_lid, version)
        short = f"Uchwała Nr {plan.resolution_no}"
        geom = g.multisurface([to_2177(p) for p in plan.geom],
                              _gml_id(namespace, lid, version) + ".g", SRS)  # fmt: skip
        fh.write(
            _head(
                "AktPlanowaniaPrzestrzennego",
                "AktPlanowaniaPrzestrzennego",
                namespace,
                lid,
                version,
            )
            + f"<app:poczatekWersjiObiektu>{plan.publication.isoformat()}T10:00:00Z"
            f"</app:poczatekWersjiObiektu><app:tytul>{g.text(plan.title)}</app:tytul>"
            f'<app:typPlanu xlink:href="{CODELIST}TypAktuPlanowaniaPrzestrzennegoKod/'
            'miejscowyPlanZagospodarowaniaPrzestrzennego" xlink:title="miejscowy plan '
            'zagospodarowania przestrzennego"/>'
            f'<app:poziomHierarchii xlink:href="{INSPIRE}LevelOfSpatialPlanValue/local" '
            'xlink:title="lokalny"/>'
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
        fh.write(
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
    fh.write("</wfs:FeatureCollection>\n")
    fh.close()


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
