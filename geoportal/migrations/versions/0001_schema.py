"""Schemas, versioned EGiB and planning tables, ETL bookkeeping.

Revision ID: 0001
"""

from pathlib import Path

from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.execute("CREATE SCHEMA IF NOT EXISTS ops")
    op.execute(Path(__file__).with_suffix(".sql").read_text())


def downgrade() -> None:
    for schema in ("publish", "data", "staging"):
        op.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
