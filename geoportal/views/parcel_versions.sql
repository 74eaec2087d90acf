-- Every version of every parcel with its validity interval, public columns only (no
-- subjects, shares or owners' addresses; the registration unit is left out too): what
-- "the parcels as they were on a date" (geoportal/cadastre/asof.py) reads.
SELECT p.gid,
       p.parcel_id,
       p.number,
       p.area_ha,
       p.version_start,
       p.version_end,
       p.geom
  FROM data.parcel p
