SELECT p.gid, p.parcel_id, p.number, ST_PointOnSurface(p.geom)::geometry(Point, 2180) AS geom
  FROM data.parcel p
 WHERE p.version_end IS NULL AND p.object_end IS NULL
