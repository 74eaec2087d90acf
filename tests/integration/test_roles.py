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


def _tables_of(database, *schemas: str) -> list[str]:
    with database.connect("owner") as conn:
        rows = conn.execute(
            "SELECT format('%%I.%%I', schemaname, tablename) FROM pg_tables"
            " WHERE schemaname = ANY(%s) ORDER BY 1",
            (list(schemas),),
        ).fetchall()
    return [row[0] for row in rows]


def test_public_role_sees_nothing_of_cases_or_staff_accounts(database):
    tables = _tables_of(database, "cases", "auth")
    assert {"cases.case_file", "cases.audit_event", "cases.mark_sequence",
            "auth.staff_user"} <= set(tables)  # fmt: skip
    for table in tables:  # applicants' names, addresses, e-mails: personal data
        with (
            database.connect("public") as conn,
            pytest.raises(psycopg.errors.InsufficientPrivilege),
        ):
            conn.execute(f"SELECT * FROM {table} LIMIT 1")  # noqa: S608 - names from pg_tables


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE cases.case_file SET submission = '{}'",
        "UPDATE cases.case_file SET mark_seq = mark_seq + 1",
        "UPDATE cases.case_file SET deadline = deadline + 30",
        "UPDATE cases.case_file SET fee_total_grosze = 0",
        "DELETE FROM cases.case_file",
        "UPDATE cases.mark_sequence SET year = 2000",
        "DELETE FROM cases.mark_sequence",
        "INSERT INTO auth.staff_user (login, display_name, password_hash, roles)"
        " VALUES ('x', 'x', '$argon2id$x', '{admin}')",
        "UPDATE auth.staff_user SET roles = '{admin}'",
        "ALTER TABLE cases.audit_event DISABLE TRIGGER audit_event_append_only",
    ],
)
def test_app_role_changes_cases_only_through_their_steps(database, statement):
    with database.connect("app") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(statement)
