"""``/weryfikacja`` through HTTP against the running application: a code from the QR code,
the original file (authentic), a file with one byte changed (altered), an unknown code,
nothing personal on the page, and the rate limit on guessing."""

from __future__ import annotations

import re

import pytest
import requests

from tests.integration.documents_support import (
    GEODESIST,
    case_in_progress,
    make_issuer,
    town_parcel_with_owners,
)  # fmt: skip

pytestmark = pytest.mark.system


@pytest.fixture(scope="module")
def issued(instance, database, demo_loaded):
    """A wypis with owners, issued in the test database; (record, file bytes, surnames)."""
    parcel_id, surnames = town_parcel_with_owners(database)
    case_id = case_in_progress(database, "egib_register_extract", [parcel_id])
    result = make_issuer(instance).issue(case_id, "egib_register_extract", GEODESIST)
    with database.connect("owner") as conn:
        mark = conn.execute("SELECT mark FROM cases.case_file WHERE id = %s",
                            (case_id,)).fetchone()[0]  # fmt: skip
    return result.document, result.path.read_bytes(), surnames, mark


def _verdict(html: str) -> str:
    start = html.index('data-verdict="') + len('data-verdict="')
    return html[start : html.index('"', start)]


def _post(http, base: str, code: str, pdf: bytes | None):
    form = http.get(f"{base}/weryfikacja", timeout=10).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    files = {"plik": ("dokument.pdf", pdf, "application/pdf")} if pdf is not None else None
    data = {"kod": code, "csrf_token": token}
    return http.post(f"{base}/weryfikacja", data=data, files=files, timeout=30)


def test_a_post_without_the_forms_token_is_refused(live_server):
    answer = requests.post(f"{live_server}/weryfikacja", data={"kod": "ABCDEFGH2345"}, timeout=10)
    assert answer.status_code == 400


def test_the_form_is_served(http, live_server):
    response = http.get(f"{live_server}/weryfikacja", timeout=10)
    assert response.status_code == 200
    assert 'name="kod"' in response.text and 'type="file"' in response.text


def test_a_code_from_the_qr_code_shows_the_case_mark_and_nothing_personal(
    http, live_server, issued
):
    document, _, surnames, mark = issued
    response = http.get(f"{live_server}/weryfikacja/{document.code}", timeout=10)
    assert response.status_code == 200
    assert _verdict(response.text) == "registered"
    assert mark in response.text and "Wypis z rejestru gruntów" in response.text
    for private in (*surnames, "Józefa", "Żółć", "Łąkowa", document.storage_path):
        assert private not in response.text


def test_the_original_file_is_authentic(http, live_server, issued):
    document, pdf, _, mark = issued
    grouped = "-".join(document.code[i : i + 4] for i in range(0, 12, 4)).lower()
    response = _post(http, live_server, grouped, pdf)  # as typed from paper
    assert response.status_code == 200
    assert _verdict(response.text) == "authentic" and mark in response.text


def test_a_file_alone_is_checked_by_the_code_it_carries(http, live_server, issued):
    _, pdf, _, mark = issued
    response = _post(http, live_server, "", pdf)
    assert response.status_code == 200
    assert _verdict(response.text) == "authentic" and mark in response.text


def test_a_file_with_one_byte_changed_is_altered(http, live_server, issued):
    document, pdf, _, _ = issued
    changed = bytearray(pdf)
    changed[len(pdf) // 2] ^= 0x20
    response = _post(http, live_server, document.code, bytes(changed))
    assert response.status_code == 200 and _verdict(response.text) == "altered"


def test_an_unknown_code_is_unknown(http, live_server, issued):
    _, pdf, _, _ = issued
    for code in ("AAAA-BBBB-CCCC", "<script>alert(1)</script>"):
        response = _post(http, live_server, code, pdf)
        assert response.status_code == 404 and _verdict(response.text) == "unknown"
        assert "<script>alert" not in response.text  # escaped


def test_guessing_codes_is_rate_limited(http, live_server):
    statuses = [http.get(f"{live_server}/weryfikacja/AAAABBBBCCCC", timeout=10).status_code
                for _ in range(40)]  # fmt: skip
    assert 429 in statuses
    assert statuses.count(404) <= 20
