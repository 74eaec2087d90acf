"""The rate limiter in front of the expensive paths (its own logic; the inner app is a stub)."""

from __future__ import annotations

import json
import time

from lxml import etree
from werkzeug.test import Client

from services.edge.internal import HEADER, internal_token, is_internal
from web.ratelimit import LIMITS as PORTAL_LIMITS
from web.ratelimit import Limit, RateLimiter

LIMITS = {"/ows": Limit(rate=5, burst=3), "/ogc": Limit(rate=5, burst=3)}


def _ok(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


def _client(token: str = "secret") -> Client:
    return Client(RateLimiter(_ok, token, LIMITS))


def test_a_flood_gets_429_with_retry_after_in_the_protocols_format():
    client = _client()
    answers = [client.get("/ogc/collections") for _ in range(6)]
    assert [a.status_code for a in answers[:3]] == [200, 200, 200]
    refused = answers[-1]
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "1"
    assert " / " in json.loads(refused.data)["description"]
    ows = [client.get("/ows?SERVICE=WFS&REQUEST=GetCapabilities") for _ in range(6)][-1]
    assert ows.status_code == 429
    assert etree.QName(etree.fromstring(ows.data)).localname == "ExceptionReport"


def test_a_flooded_uldk_client_reads_a_status_line():
    client = Client(RateLimiter(_ok, "secret", {"/uldk": Limit(rate=5, burst=3)}))
    refused = [client.get("/uldk?request=GetParcelById&id=x") for _ in range(6)][-1]
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "1"
    assert refused.headers["Content-Type"].startswith("text/plain")
    assert refused.get_data(as_text=True).startswith("-1 ")  # ULDK clients test the token
    assert "/uldk" in PORTAL_LIMITS


def test_buckets_refill_and_are_per_client_and_path():
    client = _client()
    for _ in range(4):
        client.get("/ows", environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert client.get("/ows", environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code == 429
    assert client.get("/ows", environ_base={"REMOTE_ADDR": "10.0.0.2"}).status_code == 200
    assert client.get("/ogc", environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code == 200
    time.sleep(0.25)  # 5 per second: one token back
    assert client.get("/ows", environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code == 200


def test_cheap_paths_and_the_portals_own_requests_are_not_limited():
    client = _client()
    assert all(client.get("/tiles/x/1/1/1.png").status_code == 200 for _ in range(20))
    inside = [client.get("/ows", headers={HEADER: "secret"}).status_code for _ in range(20)]
    assert inside == [200] * 20
    assert client.get("/ows", headers={HEADER: "guess"}).status_code in (200, 429)
    assert not is_internal({"HTTP_X_GEOPORTAL_INTERNAL": "guess"}, "secret")


def test_the_internal_token_is_private_and_shared(tmp_path):
    first = internal_token(tmp_path)
    assert internal_token(tmp_path) == first and len(first) >= 40
    assert (tmp_path / "internal.token").stat().st_mode & 0o077 == 0


def test_prints_are_limited_more_tightly_than_renders():
    from web.ratelimit import LIMITS as REAL

    client = Client(RateLimiter(_ok, "secret", REAL))
    answers = [client.get("/drukuj?x=1") for _ in range(REAL["/drukuj"].burst + 5)]
    assert answers[0].status_code == 200
    assert answers[-1].status_code == 429 and "Retry-After" in answers[-1].headers


def _behind(proxies: int) -> Client:
    from web.app import behind_proxies

    return Client(behind_proxies(RateLimiter(_ok, "secret", LIMITS), proxies))


def _from(client: Client, forwarded: str) -> int:
    headers = {"X-Forwarded-For": forwarded}
    return client.get(
        "/ows", headers=headers, environ_base={"REMOTE_ADDR": "127.0.0.1"}
    ).status_code


def test_behind_nginx_each_client_has_its_own_bucket_and_cannot_pose_as_another():
    client = _behind(1)
    assert [_from(client, "203.0.113.1") for _ in range(4)][-1] == 429
    assert _from(client, "203.0.113.2") == 200
    # a client's own X-Forwarded-For comes before the address nginx appends: not believed
    assert _from(client, "203.0.113.2, 203.0.113.1") == 429


def test_without_a_proxy_a_forwarded_address_is_ignored():
    client = _behind(0)
    assert [_from(client, f"203.0.113.{n}") for n in range(4)][-1] == 429
