"""The zones of the general plan (plan ogólny gminy, APP 2.0 StrefaPlanistyczna).

Revision ID: 0014
Revises: 0013
"""

from pathlib import Path

from alembic import op

revision = "0014"
down_revision = "0013"


def upgrade() -> None:
    op.execute(Path(__file__).with_suffix(".sql").read_text())


def downgrade() -> None:
    op.execute("DROP TABLE data.general_plan_zone")
