"""The CSW catalogue's repository table (``catalogue.record``), in pycsw's column names.

Revision ID: 0011
Revises: 0010
"""

from pathlib import Path

from alembic import op

revision = "0011"
down_revision = "0010"


def upgrade() -> None:
    op.execute(Path(__file__).with_suffix(".sql").read_text())


def downgrade() -> None:
    op.execute("DROP SCHEMA catalogue CASCADE")
