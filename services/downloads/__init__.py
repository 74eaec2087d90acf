"""The download service: GeoPackages per theme and per obręb, ATOM feeds, DCAT-AP."""
