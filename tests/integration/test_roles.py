"""The public reader role sees ``publish`` and nothing else."""

import psycopg
import pytest


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * FROM data.subject",
        "SELECT * FROM data.share",
        "SELECT * FROM data.parcel",
        "SELECT * FROM ops.etl_run",
        "CREATE TABLE public.x (a int)",
        "CREATE TABLE publish.x (a int)",
    ],
)
def test_public_role_is_confined_to_publish(database, query):
    with database.connect("public") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(query)


def test_public_role_reads_publish_views(database, catalog):
    with database.connect("public") as conn:
        for layer in catalog.layers:
            conn.execute(f"SELECT * FROM {layer.qualified_view} LIMIT 1")  # noqa: S608


def test_app_role_cannot_read_personal_data(database):
    with database.connect("app") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("SELECT pesel FROM data.subject")


def test_staff_role_reads_personal_data(database):
    with database.connect("staff") as conn:
        assert conn.execute("SELECT count(*) FROM data.subject").fetchone() is not None
