"""The background job queue: procrastinate's own schema, in a schema of its own (``jobs``).

The SQL is the file procrastinate ships for the pinned version (``procrastinate/sql/
schema.sql``); its names are unqualified, so it is run with ``jobs`` as the search path,
and every connection of the queue sets the same path (:mod:`geoportal.jobs.queue`).
Upgrading procrastinate means a new migration applying its ``sql/migrations`` files.

Revision ID: 0007
Revises: 0006
"""

from importlib.resources import files

from alembic import op

revision = "0007"
down_revision = "0006"


def upgrade() -> None:
    op.execute("CREATE SCHEMA jobs")
    op.execute("SET LOCAL search_path = jobs, pg_catalog")
    op.execute(files("procrastinate.sql").joinpath("schema.sql").read_text())
    op.execute("RESET search_path")


def downgrade() -> None:
    op.execute("DROP SCHEMA jobs CASCADE")
