"""A counter of data changes, for tiles kept in memory to know they are still current.

Revision ID: 0016
Revises: 0013
"""

from pathlib import Path

from alembic import op

revision = "0016"
down_revision = "0013"


def upgrade() -> None:
    op.execute(Path(__file__).with_suffix(".sql").read_text())


def downgrade() -> None:
    op.execute("DROP FUNCTION ops.next_data_generation() CASCADE")  # and the triggers
    op.execute("DROP TABLE ops.data_generation")
