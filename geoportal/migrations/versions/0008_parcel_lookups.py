"""Indexes for single-parcel lookups: by number in an obręb, and the parcel's registration unit.

Revision ID: 0008
Revises: 0007
"""

from pathlib import Path

from alembic import op

revision = "0008"
down_revision = "0007"


def upgrade() -> None:
    op.execute(Path(__file__).with_suffix(".sql").read_text())


def downgrade() -> None:
    op.execute("DROP INDEX data.parcel_number_current, data.registration_unit_id_current")
