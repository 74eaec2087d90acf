"""PRG boundaries and addresses, TERC names; ETL dry runs, reports, changed areas, quarantine.

Revision ID: 0002
Revises: 0001
"""

from pathlib import Path

from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.execute(Path(__file__).with_suffix(".sql").read_text())


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS data.admin_unit, data.terc_name, data.prg_address")
    op.execute("DROP TABLE IF EXISTS ops.etl_quarantine")
    op.execute(
        "ALTER TABLE ops.etl_run DROP COLUMN dry_run, DROP COLUMN report_html,"
        " DROP COLUMN changed_area"
    )
