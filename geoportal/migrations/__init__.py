"""Alembic migrations of the geoportal schema (run with ``geoportal db migrate``)."""
