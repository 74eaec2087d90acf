"""Spatial planning: local plans (MPZP), the general plan and their zones (APP)."""
