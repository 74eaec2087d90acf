-- EGiB boundary points (art. 24 ust. 2 PGiK: public), current versions only. The obręb is
-- the identifier's first two parts (WWPPGG_R.XXXX.N), as the EGiB files number them.
SELECT b.gid, b.point_id,
       CASE WHEN b.point_id ~ '^\d{6}_\d\.\d{4}\.' THEN substring(b.point_id, 1, 13) END
         AS district_id,
       b.acquisition, b.accuracy, b.stabilisation, b.version_start::date AS data_date, b.geom
  FROM data.boundary_point b
 WHERE b.version_end IS NULL AND b.object_end IS NULL
