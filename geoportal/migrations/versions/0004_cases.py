"""Cases of the e-services (marks, requests, hash-chained audit trail) and staff accounts.

Revision ID: 0004
Revises: 0003
"""

from pathlib import Path

from alembic import op

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    op.execute(Path(__file__).with_suffix(".sql").read_text())


def downgrade() -> None:
    op.execute("DROP SCHEMA cases CASCADE")
    op.execute("DROP SCHEMA auth CASCADE")
