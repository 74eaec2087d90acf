"""Nobody on the machine can choose another database role than the portal gives it.

The embedded cluster authenticates by ``peer`` with a map of operating-system users to
roles, and its socket directory is private to the server's user. Tried the way an
attacker with a local account would: as ``nobody``, and as ``postgres`` asking for a
portal role.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time

import psycopg
import pytest

from geoportal.cluster import PG_BIN


def _psql_as(os_user: str, database, role: str) -> subprocess.CompletedProcess[str]:
    cluster = database.cluster
    argv = [str(PG_BIN / "psql"), "-h", str(cluster.socket_dir), "-p", str(cluster.port),
            "-U", role, "-d", database.name, "-w", "-Atc", "SELECT current_user"]  # fmt: skip
    if os.geteuid() == 0:
        argv = ["runuser", "-u", os_user, "--", *argv]
    return subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)


def test_the_socket_directory_is_private(database):
    mode = stat.S_IMODE(database.cluster.socket_dir.stat().st_mode)
    assert mode == 0o700


def test_authentication_is_peer_with_a_map(database):
    hba = (database.cluster.data_dir / "pg_hba.conf").read_text()
    rules = [line.split() for line in hba.splitlines() if line and not line.startswith("#")]
    assert rules == [["local", "all", "all", "peer", "map=geoportal"]]


@pytest.mark.parametrize("role", ["geoportal_owner", "geoportal_staff", "postgres"])
def test_another_local_account_cannot_connect(database, role):
    if os.geteuid() != 0:  # as a normal user, only this account may enter the socket dir
        assert database.cluster.socket_dir.stat().st_uid == os.geteuid()
        return
    refused = _psql_as("nobody", database, role)
    assert refused.returncode != 0 and refused.stdout == ""
    assert "Permission denied" in refused.stderr or "authentication failed" in refused.stderr


def test_the_server_account_gets_no_portal_role(database):
    if os.geteuid() != 0:  # the server runs as this user, who is the portal itself
        return
    refused = _psql_as("postgres", database, "geoportal_owner")
    assert refused.returncode != 0 and "Peer authentication failed" in refused.stderr
    assert _psql_as("postgres", database, "postgres").stdout.strip() == "postgres"


@pytest.mark.parametrize(("key", "expected"), [("public", "15s"), ("app", "15s"), ("staff", "15s")])
def test_every_role_has_a_statement_timeout_of_its_own(database, key, expected):
    params = {k: v for k, v in database.params(key).items() if k != "options"}
    with psycopg.connect(**params) as conn:  # connected directly, without our options
        assert conn.execute("SHOW statement_timeout").fetchone() == (expected,)


def test_the_owner_may_run_long_loads_but_not_forever(database):
    params = {k: v for k, v in database.params("owner").items() if k != "options"}
    with psycopg.connect(**params) as conn:
        assert conn.execute("SHOW statement_timeout").fetchone() == ("30min",)


@pytest.mark.parametrize(
    ("key", "workers", "jit"), [("public", "0", "on"), ("app", "0", "on"), ("owner", "2", "off")]
)
def test_requests_plan_serially_for_identical_renders_and_loads_use_the_cores(
    database, key, workers, jit
):
    with database.connect(key) as conn:
        assert conn.execute("SHOW max_parallel_workers_per_gather").fetchone() == (workers,)
        assert conn.execute("SHOW jit").fetchone() == (jit,)


def test_a_killed_clients_statement_stops_and_frees_its_locks(database):
    """A load killed mid-statement held the one-load lock until the statement ended."""
    script = (
        "import sys, psycopg\n"
        "with psycopg.connect(sys.argv[1]) as conn:\n"
        "    conn.execute('SELECT pg_advisory_lock(4242)')\n"
        "    print('locked', flush=True)\n"
        "    conn.execute('SELECT pg_sleep(60)')\n"
    )
    client = subprocess.Popen(
        [sys.executable, "-c", script, database.conninfo("owner")],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert client.stdout is not None and client.stdout.readline().strip() == "locked"
    time.sleep(0.5)  # the sleep has started
    client.kill()
    client.wait(timeout=10)
    killed = time.monotonic()
    with database.connect("owner") as conn:
        while conn.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 4242"
        ).fetchone() != (0,):
            assert time.monotonic() - killed < 20, "the dead client's statement still runs"
            time.sleep(0.2)
