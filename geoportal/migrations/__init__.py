"""Alembic migrations of the geoportal schema (run by ``geoportal db up``)."""
