-- BDOT10k localities (OT_ADMS_P): public topographic data, current versions only.
SELECT p.gid, p.place_id, p.name, p.kind, p.gmina_id, p.version_start::date AS data_date, p.geom
  FROM data.topo_place_name p
 WHERE p.version_end IS NULL AND p.object_end IS NULL
