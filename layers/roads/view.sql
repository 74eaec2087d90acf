-- BDOT10k road lanes (OT_SKJZ_L): public topographic data, current versions only.
SELECT r.gid, r.road_id, r.road_class, r.surface, r.name, r.version_start::date AS data_date,
       r.geom
  FROM data.topo_road r
 WHERE r.version_end IS NULL AND r.object_end IS NULL
