-- The time slider (geoportal/cadastre/asof.py) reads closed parcel versions by box: without
-- this index that half of its query scans the whole table. Current versions have
-- parcel_geom_current.
CREATE INDEX parcel_geom_closed ON data.parcel USING gist (geom) WHERE version_end IS NOT NULL;
