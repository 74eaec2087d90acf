-- Parcels for the search box: id and number in byte order ("C"), so that prefix ranges use
-- the indexes of migration 0005; no attribute beyond what publish.parcels shows.
SELECT p.parcel_id COLLATE "C" AS parcel_id,
       p.district_id,
       p.number COLLATE "C" AS number,
       p.sheet,
       d.name AS district_name,
       split_part(u.name, ' - ', 1) AS commune_name,
       p.geom
  FROM data.parcel p
  LEFT JOIN data.cadastral_district d
         ON d.district_id = p.district_id AND d.version_end IS NULL AND d.object_end IS NULL
  LEFT JOIN data.cadastral_unit u
         ON u.unit_id = d.unit_id AND u.version_end IS NULL AND u.object_end IS NULL
 WHERE p.version_end IS NULL AND p.object_end IS NULL
