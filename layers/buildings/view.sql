SELECT b.gid, b.building_id, b.kst_type, b.floors_above, b.floors_below,
       b.built_up_area_m2, b.version_start::date AS data_date, b.geom
  FROM data.building b
 WHERE b.version_end IS NULL AND b.object_end IS NULL
