-- Obręby and jednostki ewidencyjne for the search box, each with every search key a
-- person may type: the name from any word of three letters or more on ('kolumna' finds
-- 'Łask 2 Kolumna'), and the name with the gmina before or after it ('wodzierady
-- kwiatkowice'). Small (a county has a few hundred obręby): the finder keeps the rows in
-- memory and reads them again when count(*) or sum(gid) change (a load ending or
-- replacing versions gives new gids); that check does not compute the keys.
SELECT 'obreb'::text AS kind,
       d.gid,
       d.district_id AS id,
       d.name,
       split_part(d.district_id, '.', 2) AS number,
       split_part(u.name, ' - ', 1) AS commune_name,
       d.unit_id,
       ARRAY(SELECT array_to_string(w.words[i:], ' ')
               FROM generate_subscripts(w.words, 1) AS i
              WHERE i = 1 OR w.words[i] ~ '^[a-z]{3}')
         || ARRAY[data.search_key(split_part(u.name, ' - ', 1) || ' ' || d.name),
                  data.search_key(d.name || ' ' || split_part(u.name, ' - ', 1))] AS keys,
       ST_XMin(d.geom) AS minx, ST_YMin(d.geom) AS miny,
       ST_XMax(d.geom) AS maxx, ST_YMax(d.geom) AS maxy
  FROM data.cadastral_district d
  LEFT JOIN data.cadastral_unit u
         ON u.unit_id = d.unit_id AND u.version_end IS NULL AND u.object_end IS NULL
 CROSS JOIN LATERAL (SELECT string_to_array(data.search_key(d.name), ' ') AS words) w
 WHERE d.version_end IS NULL AND d.object_end IS NULL
UNION ALL
SELECT 'gmina'::text,
       u.gid,
       u.unit_id,
       u.name,
       NULL,
       split_part(u.name, ' - ', 1),
       u.unit_id,
       ARRAY(SELECT array_to_string(w.words[i:], ' ')
               FROM generate_subscripts(w.words, 1) AS i
              WHERE i = 1 OR w.words[i] ~ '^[a-z]{3}'),
       ST_XMin(u.geom), ST_YMin(u.geom), ST_XMax(u.geom), ST_YMax(u.geom)
  FROM data.cadastral_unit u
 CROSS JOIN LATERAL (SELECT string_to_array(data.search_key(u.name), ' ') AS words) w
 WHERE u.version_end IS NULL AND u.object_end IS NULL
