SELECT d.gid, d.district_id, d.name, d.unit_id, u.name AS commune_name, d.geom
  FROM data.cadastral_district d
  LEFT JOIN data.cadastral_unit u
         ON u.unit_id = d.unit_id AND u.version_end IS NULL AND u.object_end IS NULL
 WHERE d.version_end IS NULL AND d.object_end IS NULL
