-- Jednostki ewidencyjne (EGiB) and the gmina each belongs to, as TERYT writes gminy: the
-- town (rodzaj 4) and the rural area (rodzaj 5) of an urban-rural gmina are one gmina of
-- rodzaj 3, named after its town ("Łask - obszar wiejski" belongs to the gmina "Łask").
-- Other units are gminy themselves. A county holds a handful of units, so the window
-- function costs nothing; the ULDK service (services/uldk) builds gminy and the county
-- from this view.
SELECT u.gid,
       u.unit_id,
       u.name,
       g.gmina_id,
       first_value(regexp_replace(u.name, '\s*-\s*obszar wiejski$', ''))
         OVER (PARTITION BY g.gmina_id ORDER BY u.unit_id) AS gmina_name,
       u.geom
  FROM data.cadastral_unit u
 CROSS JOIN LATERAL (
       SELECT CASE WHEN right(u.unit_id, 2) IN ('_4', '_5') THEN left(u.unit_id, 6) || '_3'
                   ELSE u.unit_id END AS gmina_id) g
 WHERE u.version_end IS NULL AND u.object_end IS NULL
