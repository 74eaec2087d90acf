-- Property addresses (EGiB, with the parcel they belong to) and PRG address points, with
-- their search keys. Addresses of subjects (owners) are a different register and are not
-- here: they live in data.subject, which no publish view reads.
SELECT 'egib'::text AS source, a.gid, a.locality, a.street, a.house_number, a.postcode,
       a.parcel_id,
       data.search_key(a.locality) COLLATE "C" AS locality_key,
       data.street_key(a.street) COLLATE "C" AS street_key,
       data.number_key(a.house_number) COLLATE "C" AS number_key,
       a.geom
  FROM data.address a
 WHERE a.version_end IS NULL AND a.object_end IS NULL AND a.geom IS NOT NULL
UNION ALL
SELECT 'prg'::text, a.gid, a.locality, a.street, a.house_number, a.postcode,
       NULL::text,
       data.search_key(a.locality) COLLATE "C",
       data.street_key(a.street) COLLATE "C",
       data.number_key(a.house_number) COLLATE "C",
       a.geom
  FROM data.prg_address a
 WHERE a.version_end IS NULL AND a.object_end IS NULL
