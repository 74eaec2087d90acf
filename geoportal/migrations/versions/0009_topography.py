"""Topographic tables of the county's base map: roads, watercourses, water areas, places.

Revision ID: 0009
Revises: 0008
"""

from pathlib import Path

from alembic import op

revision = "0009"
down_revision = "0008"


def upgrade() -> None:
    op.execute(Path(__file__).with_suffix(".sql").read_text())


def downgrade() -> None:
    op.execute(
        "DROP TABLE data.topo_road, data.topo_watercourse, data.topo_water_area,"
        " data.topo_place_name"
    )
