-- PRG gminy (public), current versions; the TERYT code as EGiB writes it (WWPPGG_R) and
-- the kind from its last digit (TERYT: 1 urban, 2 rural, 3 urban-rural).
SELECT a.gid,
       left(a.teryt, 6) || '_' || right(a.teryt, 1) AS gmina_id,
       a.name,
       CASE right(a.teryt, 1) WHEN '1' THEN 'gmina miejska' WHEN '2' THEN 'gmina wiejska'
                              WHEN '3' THEN 'gmina miejsko-wiejska' END AS kind,
       a.version_start::date AS data_date,
       a.geom
  FROM data.admin_unit a
 WHERE a.level = 'gmina' AND a.version_end IS NULL AND a.object_end IS NULL
