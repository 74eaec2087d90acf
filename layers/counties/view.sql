-- PRG powiaty (public), current versions.
SELECT a.gid, a.teryt AS county_id, a.name, a.version_start::date AS data_date, a.geom
  FROM data.admin_unit a
 WHERE a.level = 'county' AND a.version_end IS NULL AND a.object_end IS NULL
