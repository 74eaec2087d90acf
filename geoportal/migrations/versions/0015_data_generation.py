"""A counter of data changes, for tiles kept in memory to know they are still current.

Revision ID: 0015
Revises: 0014
"""

from pathlib import Path

from alembic import op

revision = "0015"
down_revision = "0014"


def upgrade() -> None:
    op.execute(Path(__file__).with_suffix(".sql").read_text())


def downgrade() -> None:
    op.execute("DROP FUNCTION ops.next_data_generation() CASCADE")  # and the triggers
    op.execute("DROP TABLE ops.data_generation")
