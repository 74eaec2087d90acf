SELECT c.gid, c.contour_id, c.ofu, c.geom
  FROM data.land_use_contour c
 WHERE c.version_end IS NULL AND c.object_end IS NULL
