"""Alembic environment: runs online against the connection handed in by ``geoportal.schema``."""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, version_table_schema="ops")
with context.begin_transaction():
    context.run_migrations()
