"""MapServer at /ows under bad input, a crashing SLD, XXE, a dead database and threads.

Every refusal must be an OGC exception report with a 4xx status (503 for the database),
without paths, versions or connection parameters in it.
"""

from __future__ import annotations

import io
import re
import shutil
import socket
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from lxml import etree
from PIL import Image
from werkzeug.test import Client

from services.mapserver.app import MapServerApp
from services.mapserver.policy import OwsPolicy
from services.mapserver.renderer import RendererSetup
from services.mapserver.renderpool import RenderPool
from services.mapserver.runtime import runtime_folder
from tests.integration.test_mapserver_data import (
    X0,
    Y0,
    ows_client,
    wms_query,
)

LEAKS = re.compile(r"/work|/etc/|/usr/|/var/|MapServer|8\.0\.|service=|host=|port=|\w+\(\)", re.I)
# A ~330-byte SLD of the kind that segfaults Debian's MapServer 8.0 (CVE-2026-45104).
SLD = (
    '<StyledLayerDescriptor version="1.0.0" xmlns="http://www.opengis.net/sld" '
    'xmlns:ogc="http://www.opengis.net/ogc"><NamedLayer><Name>dzialki</Name><UserStyle>'
    '<FeatureTypeStyle><Rule><PolygonSymbolizer><Fill><CssParameter name="fill">#ff0000'
    "</CssParameter></Fill></PolygonSymbolizer></Rule></FeatureTypeStyle></UserStyle>"
    "</NamedLayer></StyledLayerDescriptor>"
)


@pytest.fixture(scope="module")
def ows(instance):
    """Client of the MapServer app over the fixture rows (removed after the module)."""
    with ows_client(instance) as client:
        yield client


def _exception(answer, status: int = 400) -> etree._Element:
    assert answer.status_code == status, answer.data[:400]
    assert "xml" in answer.content_type
    root = etree.fromstring(answer.data)
    assert etree.QName(root).localname.endswith("ExceptionReport")
    assert not LEAKS.search(answer.text), answer.text
    return root


def _codes(root: etree._Element) -> set[str]:
    return {
        e.get("code") or e.get("exceptionCode") for e in root.iter() if isinstance(e.tag, str)
    } - {None}


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"layers": "nope"}, "LayerNotDefined"),
        ({"crs": "EPSG:99999"}, "InvalidCRS"),
        ({"crs": "EPSG:4326;DROP"}, "InvalidCRS"),
        ({"format": "image/gif"}, "InvalidFormat"),
        ({"bbox": f"{Y0 + 300},{X0},{Y0},{X0 + 400}"}, None),  # min > max
        ({"bbox": f"{Y0},{X0},{Y0},{X0}"}, None),  # min = max
        ({"bbox": f"{Y0},{X0},{Y0 + 300}"}, "InvalidParameterValue"),
        ({"bbox": f"{Y0},{X0},{Y0 + 300},{X0 + 400},5"}, "InvalidParameterValue"),
        ({"bbox": f"nan,{X0},{Y0 + 300},{X0 + 400}"}, "InvalidParameterValue"),
        ({"bbox": f"-inf,{X0},inf,{X0 + 400}"}, "InvalidParameterValue"),
        ({"bbox": f"{Y0},{X0},{Y0 + 300},{X0 + 400}c"}, "InvalidParameterValue"),
        ({"width": 100000}, None),
        ({"width": 4097}, None),
        ({"width": 0}, None),
        ({"width": -1}, "InvalidParameterValue"),
        ({"height": "300abc"}, "InvalidParameterValue"),
        ({"map": "../../etc/passwd"}, "InvalidParameterValue"),
        ({"MAP": "/etc/passwd"}, "InvalidParameterValue"),
        ({"sld_body": SLD}, "InvalidParameterValue"),
        ({"sld": "http://127.0.0.1:9/style.sld"}, "InvalidParameterValue"),
        ({"service": "WCS"}, "InvalidParameterValue"),
        ({"request": "Nonsense"}, None),
    ],
)
def test_bad_getmap_is_an_ogc_exception_with_400(ows, params, code):
    root = _exception(ows.get(wms_query(**params)))
    if code:
        assert code in _codes(root)


def test_duplicate_parameter_with_other_value_is_refused(ows):
    _exception(ows.get(wms_query() + "&width=401"))


def test_not_an_ogc_request(ows):
    _exception(ows.get("/"))
    _exception(ows.get("/?foo=1"))


def test_exact_small_size_is_honoured(ows):
    answer = ows.get(wms_query(width=8, height=5))
    assert answer.status_code == 200
    assert Image.open(io.BytesIO(answer.data)).size == (8, 5)


def test_wfs_errors_are_400_not_mapserver_status(ows):
    root = _exception(ows.get("/?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=nope"))
    assert "InvalidParameterValue" in _codes(root)
    _exception(
        ows.get(
            "/?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=dzialki&SRSNAME=EPSG:99999"
        )
    )


@pytest.mark.parametrize(
    "body",
    [
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        '<wfs:GetFeature xmlns:wfs="http://www.opengis.net/wfs/2.0" service="WFS" version="2.0.0">'
        '<wfs:Query typeNames="dzialki"/>&e;</wfs:GetFeature>',
        '<!DOCTYPE x [<!ENTITY % p SYSTEM "http://127.0.0.1:{port}/p.dtd"> %p;]><x/>',
        '<!DOCTYPE x SYSTEM "http://127.0.0.1:{port}/x.dtd"><x/>',
        '<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><l>&c;&c;&c;&c;</l>',
        "not xml at all",
    ],
)
def test_xml_post_with_doctype_or_garbage_is_refused_without_connections(ows, body):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(0.3)
        data = body.replace("{port}", str(listener.getsockname()[1])).encode()
        started = time.perf_counter()
        _exception(ows.post("/", data=data, content_type="text/xml"))
        assert time.perf_counter() - started < 1.0
        with pytest.raises(TimeoutError):
            listener.accept()


def test_utf16_doctype_is_refused(ows):
    body = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY e "x">]><x>&e;</x>'
    _exception(ows.post("/", data=body.encode("utf-16"), content_type="text/xml"))


def test_schema_location_is_not_fetched(ows):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(0.3)
        body = (
            '<wfs:GetFeature xmlns:wfs="http://www.opengis.net/wfs/2.0" service="WFS" '
            'version="2.0.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            f'xsi:schemaLocation="http://www.opengis.net/wfs/2.0 http://127.0.0.1:'
            f'{listener.getsockname()[1]}/wfs.xsd" count="1"><wfs:Query typeNames="dzialki"/>'
            "</wfs:GetFeature>"
        )
        assert ows.post("/", data=body, content_type="text/xml").status_code == 200
        with pytest.raises(TimeoutError):
            listener.accept()


def test_body_over_one_megabyte_is_413(ows):
    body = b"<x>" + b"a" * (1024 * 1024) + b"</x>"
    _exception(ows.post("/", data=body, content_type="text/xml"), status=413)


def test_crashing_sld_is_harmless_even_inside_mapserver(ows, settings):
    """The map itself has SLD disabled: MapServer, handed the SLD directly, still draws."""
    folder = runtime_folder(settings)
    script = textwrap.dedent(f"""
        import mapscript
        m = mapscript.mapObj({str(folder / "geoportal.map")!r},
                             mapscript.configObj({str(folder / "mapserver.conf")!r}))
        request = mapscript.OWSRequest()
        for key, value in {{"SERVICE": "WMS", "VERSION": "1.3.0", "REQUEST": "GetMap",
                "LAYERS": "dzialki", "STYLES": "", "CRS": "EPSG:2180", "WIDTH": "64",
                "HEIGHT": "64", "FORMAT": "image/png", "SLD_BODY": {SLD!r},
                "BBOX": "{Y0},{X0},{Y0 + 300},{X0 + 400}"}}.items():
            request.setParameter(key, value)
        mapscript.msIO_installStdoutToBuffer()
        m.OWSDispatch(request)
        print(mapscript.msIO_stripStdoutBufferContentType())
    """)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.strip() == "image/png"


def test_database_down_is_503_without_connection_details(tmp_path, settings, catalog):
    folder = tmp_path / "mapserver"
    shutil.copytree(runtime_folder(settings), folder)
    mapfile = folder / "geoportal.map"
    text = mapfile.read_text().replace(
        'CONNECTION "service=geoportal_public"', 'CONNECTION "service=geoportal_public port=1"'
    )
    mapfile.write_text(text)
    config = folder / "mapserver.conf"
    config.write_text(
        re.sub(r'MS_MAP_PATTERN "[^"]*"', f'MS_MAP_PATTERN "^{folder}/"', config.read_text())
    )
    setup = RendererSetup(
        {"": str(mapfile)}, {"": settings.base_url + "/ows?"}, str(config),
        settings.base_url + "/", str(settings.raster_dir),
    )  # fmt: skip
    pool = RenderPool(setup, size=1, queue_s=5, deadline_s=30)
    client = Client(MapServerApp(pool, {"": OwsPolicy.from_catalog(catalog)}))
    try:
        for query in (
            wms_query(),
            "/?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=dzialki",
        ):
            answer = client.get(query)
            _exception(answer, status=503)
            assert answer.headers["Retry-After"] == "5"
    finally:
        pool.close()


def _normalised(data: bytes) -> bytes:
    return re.sub(rb'timeStamp="[^"]*"', b"", data)


def test_concurrent_requests_do_not_mix_answers(ows):
    queries = [
        wms_query(bbox=f"{Y0 + k * 20},{X0},{Y0 + 300},{X0 + 400 - k * 20}") for k in range(6)
    ]
    queries += [
        wms_query(request="GetFeatureInfo", query_layers="dzialki", i=50 + 100 * k, j=250,
                  info_format="text/plain") for k in range(4)
    ]  # fmt: skip
    queries += [wms_query(layers="nope"), "/?SERVICE=WMS&REQUEST=GetCapabilities&VERSION=1.3.0"]
    queries += ["/?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=dzialki&COUNT=3"
                f"&BBOX={Y0},{X0},{Y0 + 300},{X0 + 400}"]  # fmt: skip
    expected = {query: _normalised(ows.get(query).data) for query in queries}
    assert len(set(expected.values())) == len(queries)  # every answer is distinct
    work = queries * 4

    def answer(query: str) -> bytes | str:
        response = ows.get(query)
        if response.status_code == 503 and response.headers.get("Retry-After"):
            return "busy"  # every render process taken (a loaded machine): an honest answer
        return _normalised(response.data)

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(answer, work))
    mixed = [(query, got[:80]) for query, got in zip(work, answers, strict=True)
             if got not in (expected[query], "busy")]  # fmt: skip
    assert mixed == []
    assert answers.count("busy") < len(work)
