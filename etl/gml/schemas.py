"""Offline XML Schema validation of EGiB and APP GML.

EGIB.XSD and the APP schemas import GML 3.2.1, XLink and ISO 19139 from
schemas.opengis.net, which is unreachable here (and often in county offices). The pycsw
wheel ships those schemas, so every remote schema URL is mapped to a local file and any
other remote URL is refused: validation never touches the network. pycsw is located
without importing it (its ``__init__`` needs ``pkg_resources``).

Building a schema takes seconds, so built schemas are cached per process. Validation is a
finding for the quality report (real county files are often not schema-valid), hence
``validate`` returns messages instead of raising.
"""

from __future__ import annotations

import functools
import importlib.util
import sysconfig
import urllib.request
from pathlib import Path

import xmlschema

from etl.gml import namespaces as ns
from etl.gml.safe import UnsafeXMLError, check_prolog, safe_iterparse

XSD_DIR = Path(__file__).parent / "xsd"
_WFS_STUB = XSD_DIR / "stubs" / "wfs-2.0-featurecollection.xsd"

# kind -> (main schema file, extra namespace imports)
SCHEMA_FILES: dict[str, tuple[Path, tuple[tuple[str, Path], ...]]] = {
    "egib": (XSD_DIR / "EGIB.XSD", ()),
    "app1": (XSD_DIR / "app1.xsd", ()),
    "app2": (XSD_DIR / "app2.xsd", ((ns.WFS20, _WFS_STUB),)),
    "mpzp": (XSD_DIR / "mpzp-tereny-1.0.xsd", ((ns.WFS20, _WFS_STUB),)),
}
KIND_BY_NAMESPACE = {ns.EGIB2021: "egib", ns.APP1: "app1", ns.APP2: "app2", ns.MPZP: "mpzp"}


def pycsw_dir() -> Path:
    """The installed pycsw package folder, found without executing its ``__init__``."""
    spec = importlib.util.find_spec("pycsw")  # top-level: locates only, does not import
    if spec and spec.submodule_search_locations:
        return Path(list(spec.submodule_search_locations)[0])
    candidate = Path(sysconfig.get_paths()["purelib"]) / "pycsw"
    if candidate.is_dir():
        return candidate
    raise FileNotFoundError("pycsw (for its bundled GML/ISO schemas) is not installed")


@functools.lru_cache(maxsize=1)
def _url_map() -> tuple[tuple[str, str], ...]:
    root = pycsw_dir()
    iso = root / "plugins/profiles/apiso/schemas/ogc/iso/19139/20070417"
    w3c = root / "core/schemas/w3c"
    return (
        ("http://schemas.opengis.net/gml/3.2.1/", (root / "core/schemas/ogc/gml/3.2.1").as_uri()),
        ("http://schemas.opengis.net/iso/19139/20070417/", iso.as_uri()),
        ("http://www.w3.org/1999/xlink.xsd", (w3c / "1999/xlink.xsd").as_uri()),
        ("http://www.w3.org/2001/xml.xsd", (w3c / "2001/xml.xsd").as_uri()),
        ("http://schemas.opengis.net/gml/3.3/extdEncRule.xsd",
         (XSD_DIR / "stubs/gml-3.3-exr.xsd").as_uri()),
        ("http://schemas.opengis.net/wfs/2.0/wfs.xsd", _WFS_STUB.as_uri()),
    )  # fmt: skip


def map_uri(uri: str) -> str:
    """Map a known remote schema URL to the bundled file; other URLs pass unchanged
    (and are then blocked by ``allow='local'``)."""
    for prefix, local in _url_map():
        if uri.startswith(prefix):
            rest = uri[len(prefix) :]
            return local.rstrip("/") + ("/" + rest if rest else "")
    return uri


class _NoNetwork(urllib.request.BaseHandler):
    """An opener handler that refuses every remote scheme (belt and braces)."""

    def _refuse(self, request: urllib.request.Request) -> None:
        raise PermissionError(f"network access refused: {request.full_url}")

    http_open = https_open = ftp_open = _refuse


_OPENER = urllib.request.build_opener(_NoNetwork())


@functools.cache
def get_schema(kind: str) -> xmlschema.XMLSchema:
    """Build (once per process) the schema for ``kind`` (egib, app1, app2, mpzp)."""
    main, extra = SCHEMA_FILES[kind]
    return xmlschema.XMLSchema(
        str(main),
        locations=[(namespace, str(path)) for namespace, path in extra] or None,
        uri_mapper=map_uri,
        allow="local",
        defuse="always",
        opener=_OPENER,
    )


def sniff_namespaces(path: Path | str) -> tuple[str | None, str | None]:
    """(root namespace, namespace of the first feature) read from the file's start.

    The first feature is the first element two levels down that is not GML itself
    (``gml:boundedBy/gml:Envelope`` may come first)."""
    root_ns: str | None = None
    depth = 0
    for event, element in safe_iterparse(path, events=("start", "end")):
        if event == "end":
            depth -= 1
            continue
        qname = element.tag if isinstance(element.tag, str) else ""
        namespace = qname[1:].split("}")[0] if qname.startswith("{") else None
        if depth == 0:
            root_ns = namespace
        elif depth == 2 and namespace != ns.GML:
            return root_ns, namespace
        depth += 1
    return root_ns, None


def schema_kind(path: Path | str) -> str | None:
    """Which bundled schema applies to a file, judged from its first feature."""
    root_ns, feature_ns = sniff_namespaces(path)
    for namespace in (feature_ns, root_ns):
        if namespace in KIND_BY_NAMESPACE:
            return KIND_BY_NAMESPACE[namespace]
    return None


def validate(path: Path | str, kind: str | None = None, limit: int = 100) -> list[str]:
    """Validate a file against its schema; return findings (empty list = valid).

    The document is read lazily (streamed), so county-size files do not need a DOM; at
    most ``limit`` errors are reported. A file with a DOCTYPE is refused unparsed.
    """
    try:
        check_prolog(path)
        kind = kind or schema_kind(path)
    except UnsafeXMLError as exc:
        return [f"refused: {exc}"]
    except Exception as exc:  # not well-formed XML
        return [f"not well-formed: {exc}"]
    if kind is None:
        return ["no bundled schema for this file's namespace"]
    resource = xmlschema.XMLResource(
        str(path), lazy=True, defuse="always", allow="local", thin_lazy=True
    )
    findings = []
    for error in get_schema(kind).iter_errors(resource, use_location_hints=False):
        findings.append(_describe(error))
        if len(findings) >= limit:
            findings.append(f"stopped after {limit} errors")
            break
    return findings


def _describe(error: Exception) -> str:
    if isinstance(error, xmlschema.XMLSchemaValidationError):
        where = error.path or ""
        return f"{where}: {error.reason}" if where else str(error.reason)
    return str(error)
