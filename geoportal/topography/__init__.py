"""Topographic objects of the county's own base map: roads, water and place names."""
