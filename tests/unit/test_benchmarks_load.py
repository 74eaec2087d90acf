"""The load generator's answer is read strictly: a run with an error answer or a socket
error is a failed benchmark, never a rate (wrk itself counts them and carries on)."""

from __future__ import annotations

import pytest

from benchmarks.load import LoadError, _lua_table, _rate

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:18999
  1 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     4.35ms    6.52ms  53.87ms   88.43%
    Req/Sec     3.12k   292.02     3.44k    63.00%
  31204 requests in 10.00s, 398.12MB read
{errors}Requests/sec:   3120.40
Transfer/sec:     39.81MB
RESULT {requests} {status} {sockets}
"""


def test_a_clean_run_gives_wrks_rate():
    output = WRK_OUTPUT.format(errors="", requests=31204, status=0, sockets=0)
    assert _rate(output) == 3120.40


@pytest.mark.parametrize(("status", "sockets"), [(12, 0), (0, 3)])
def test_error_answers_or_socket_errors_fail_the_run(status, sockets):
    errors = f"  Non-2xx or 3xx responses: {status}\n" if status else ""
    output = WRK_OUTPUT.format(errors=errors, requests=31204, status=status, sockets=sockets)
    with pytest.raises(LoadError, match="error answers"):
        _rate(output)


def test_no_result_line_fails_the_run():
    with pytest.raises(LoadError, match="no result"):
        _rate("unable to connect to 127.0.0.1:1 Connection refused\n")


def test_headers_become_a_lua_table_with_quoted_strings():
    assert _lua_table({"X-Token": 'a"b'}) == '{["X-Token"] = "a\\"b"}'
