"""Search keys: folding functions and the indexes behind the search box.

Revision ID: 0005
Revises: 0003
"""

from pathlib import Path

from alembic import op

revision = "0005"
down_revision = "0004"

_INDEXES = (
    "data.parcel_search_id",
    "data.parcel_search_number",
    "data.address_search_locality",
    "data.address_search_street",
    "data.prg_address_search_locality",
    "data.prg_address_search_street",
    "data.building_parcel_ids",
    "data.address_parcel_id",
)


def upgrade() -> None:
    op.execute(Path(__file__).with_suffix(".sql").read_text())


def downgrade() -> None:
    for index in _INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {index}")
    op.execute("DROP FUNCTION IF EXISTS data.number_key(text)")
    op.execute("DROP FUNCTION IF EXISTS data.street_key(text)")
    op.execute("DROP FUNCTION IF EXISTS data.search_key(text)")
