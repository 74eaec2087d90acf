"""The latency benchmarks' client: keep-alive GETs, parameters, a closed connection reopened."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from benchmarks.client import Client


class _Echo(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive unless the answer says otherwise

    def do_GET(self):  # noqa: N802 (the standard library's name)
        body = f'{{"path": "{self.path}", "port": {self.client_address[1]}}}'.encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        if "close" in self.path:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_requests_share_one_connection_and_carry_their_parameters(server):
    client = Client()
    first = client.get(f"{server}/a?x=1", params={"q": "Łask 13"})
    second = client.get(f"{server}/b")
    assert first.status_code == 200 and first.headers["content-type"] == "application/json"
    assert first.json()["path"] == "/a?x=1&q=%C5%81ask+13"
    assert first.json()["port"] == second.json()["port"]  # the same client socket


def test_a_connection_the_server_closes_is_reopened(server):
    client = Client()
    closing = client.get(f"{server}/close")
    after = client.get(f"{server}/after")
    assert after.status_code == 200 and after.json()["port"] != closing.json()["port"]
