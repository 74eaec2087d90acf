-- BDOT10k rivers and streams (OT_SWRS_L): public topographic data, current versions only.
SELECT w.gid, w.watercourse_id, w.kind, w.name, w.version_start::date AS data_date, w.geom
  FROM data.topo_watercourse w
 WHERE w.version_end IS NULL AND w.object_end IS NULL
