"""Check every name a WMS/WFS request carries against the :class:`OwsPolicy`.

Layers, type names, property names (in ``FILTER``, ``PROPERTYNAME``, ``SORTBY`` and XML
bodies), CRSs, versions and formats. Anything not on the lists is refused with the
exception code the protocol expects: ``LayerNotDefined``/``InvalidCRS`` for WMS,
``InvalidParameterValue`` for WFS. Also the numbers MapServer reads leniently: feature
info pixels beyond the image, negative or enormous start indexes.
"""

from __future__ import annotations

import re

from lxml import etree

from geoportal.text import Text
from services.edge.failures import Failure, Refusal
from services.edge.kvp import bad, invalid_crs
from services.edge.xml import parse_xml
from services.mapserver.coverage import check_wcs
from services.mapserver.policy import EXCEPTION_FORMATS, INFO_FORMATS, VERSIONS, OwsPolicy

MAX_INDEX = 2**31 - 1
_NAME_ELEMENTS = {"PropertyName", "ValueReference"}
_RESOURCE_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\.[0-9]{1,18}$")
_PLAIN_INT = re.compile(r"^\+?[0-9]{1,10}$")


def check_names(params: dict[str, str], service: str | None, policy: OwsPolicy) -> list[str]:
    """Refuse what the policy does not allow; return the layers the request names."""
    if service and "VERSION" in params and params["VERSION"] not in VERSIONS[service]:
        raise bad("Nieobsługiwana wersja usługi", "unsupported service version", "version")
    if service == "WMS":
        return _wms(params, policy)
    if service == "WFS":
        return _wfs(params, policy)
    if service == "WCS":
        return check_wcs(params, policy)
    return []


def check_document(root: etree._Element, policy: OwsPolicy) -> None:
    """Type names and property names of a WFS request written as XML."""
    layers = []
    for element in root.iter():
        if isinstance(element.tag, str) and etree.QName(element).localname == "Query":
            names = element.get("typeNames") or element.get("typeName") or ""
            layers += _types(names.replace(" ", ","), policy)
    _check_filter_names(root, layers, policy)


def _wms(params: dict[str, str], policy: OwsPolicy) -> list[str]:
    request = params.get("REQUEST", "").lower()
    layers = _layers(params.get("LAYERS", ""), policy) if "LAYERS" in params else []
    if "QUERY_LAYERS" in params:
        _layers(params["QUERY_LAYERS"], policy)
    if "LAYER" in params:  # GetLegendGraphic names one layer
        _layers(params["LAYER"], policy)
    crs_param = "CRS" if params.get("VERSION") == "1.3.0" else "SRS"
    for name in ("CRS", "SRS"):
        if name in params and (name == crs_param or crs_param not in params):
            if not policy.crs_allowed(params[name], "WMS"):
                raise invalid_crs(name.lower())
    if "EXCEPTIONS" in params and params["EXCEPTIONS"] not in EXCEPTION_FORMATS:
        raise bad("Obsługiwane są tylko wyjątki XML", "only XML exceptions", "exceptions")
    _styles(params.get("STYLES", ""), layers)
    if request == "getfeatureinfo":
        _feature_info(params)
    if "FILTER" in params:
        for document in _filters(params["FILTER"]):
            _check_filter_names(document, layers, policy)
    return layers


def _wfs(params: dict[str, str], policy: OwsPolicy) -> list[str]:
    layers = []
    for name in ("TYPENAMES", "TYPENAME"):
        if name in params:
            layers += _types(params[name], policy)
    if "SRSNAME" in params and not policy.crs_allowed(params["SRSNAME"], "WFS"):
        raise bad("Nieobsługiwany układ", "CRS not offered", "srsName")
    if params.get("RESULTTYPE", "results").lower() not in ("results", "hits"):
        raise bad("resultType to results albo hits", "resultType is results or hits", "resultType")
    _integer(params, "STARTINDEX", 0)
    _integer(params, "COUNT", 1)
    _integer(params, "MAXFEATURES", 1)
    for name in ("PROPERTYNAME", "SORTBY"):
        if name in params:
            words = re.split(r"[(),\s]+", params[name])
            names = [w for w in words if w and w.upper() not in ("ASC", "DESC", "A", "D")]
            _require_properties(names, layers, policy)
    for name in ("RESOURCEID", "FEATUREID"):
        if name in params and not all(_RESOURCE_ID.match(v) for v in params[name].split(",")):
            raise bad("Nieprawidłowy identyfikator obiektu", "invalid feature id", name.lower())
    if "FILTER" in params:
        for document in _filters(params["FILTER"]):
            _check_filter_names(document, layers, policy)
    return layers


def _layers(value: str, policy: OwsPolicy) -> list[str]:
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if policy.layer(name) is None]
    if unknown or not names:
        text = _text(f"Nie ma warstwy {unknown[0][:40]!r}" if unknown else "Brak warstwy",
                     f"no layer {unknown[0][:40]!r}" if unknown else "no layer given")  # fmt: skip
        raise Refusal(Failure.UNKNOWN_LAYER, text, "layers")
    return [policy.layer(name) or name for name in names]


def _types(value: str, policy: OwsPolicy) -> list[str]:
    names = [name for name in re.split(r"[(),\s]+", value) if name]
    layers = [policy.layer(name) for name in names]
    if not names or None in layers:
        raise bad("Nieznany typ obiektów", "unknown feature type", "typeNames")
    return [layer for layer in layers if layer is not None]


def _styles(value: str, layers: list[str]) -> None:
    if not value.strip(","):
        return
    styles = value.split(",")
    if len(styles) != len(layers) or any(style not in ("", "default") for style in styles):
        raise bad("STYLES: jeden styl na warstwę", "STYLES: one style per layer", "styles")


def _feature_info(params: dict[str, str]) -> None:
    info_format = params.get("INFO_FORMAT", "text/plain").strip()
    if info_format not in INFO_FORMATS:
        raise bad("Nieobsługiwany INFO_FORMAT", "unsupported INFO_FORMAT", "info_format")
    for pixel, size in (("I", "WIDTH"), ("J", "HEIGHT"), ("X", "WIDTH"), ("Y", "HEIGHT")):
        if pixel in params and size in params and int(params[pixel]) >= int(params[size]):
            raise bad(f"{pixel} poza obrazem", f"{pixel} is outside the image", pixel.lower())


def _integer(params: dict[str, str], name: str, minimum: int) -> None:
    if name not in params:
        return
    value = params[name].strip()
    if not _PLAIN_INT.match(value) or not minimum <= int(value) <= MAX_INDEX:
        span = f"{minimum}…{MAX_INDEX}"
        raise bad(f"{name}: liczba {span}", f"{name}: a number {span}", name.lower())


def _filters(value: str) -> list[etree._Element]:
    """The filter documents of a FILTER value: one, or one per layer in parentheses."""
    text = value.strip()
    if text.startswith("(") and text.endswith(")"):
        parts = re.split(r"\)\s*\(", text[1:-1])
    else:
        parts = [text]
    return [parse_xml(part.encode()) for part in parts if part.strip()]


def _check_filter_names(root: etree._Element, layers: list[str], policy: OwsPolicy) -> None:
    names = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        name = etree.QName(element).localname
        if name == "Function":
            raise bad("Funkcje w filtrze nie są obsługiwane", "filter functions are not supported",
                       "filter")  # fmt: skip
        if name in _NAME_ELEMENTS:
            names.append((element.text or "").strip())
    _require_properties(names, layers, policy)


def _require_properties(names: list[str], layers: list[str], policy: OwsPolicy) -> None:
    for name in names:
        if not policy.property_allowed(layers, name):
            raise bad("Nieznana właściwość", "unknown property name", "propertyName")


def _text(pl: str, en: str) -> Text:
    return Text(pl=pl, en=en)
