SELECT c.gid, c.contour_id, c.ozu, c.ozk, c.geom
  FROM data.soil_class_contour c
 WHERE c.version_end IS NULL AND c.object_end IS NULL
