-- BDOT10k water surfaces (OT_PTWP_A): public topographic data, current versions only.
SELECT w.gid, w.water_id, w.kind, w.name, w.version_start::date AS data_date, w.geom
  FROM data.topo_water_area w
 WHERE w.version_end IS NULL AND w.object_end IS NULL
