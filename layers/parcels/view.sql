-- Public EGiB parcel data (art. 24 ust. 2 PGiK): no subject columns, current versions only.
SELECT p.gid,
       p.parcel_id,
       p.number,
       p.sheet,
       split_part(p.district_id, '.', 2) AS district_number,
       d.name AS district_name,
       u.name AS commune_name,
       p.area_ha,
       p.land_register_no,
       r.registry_group,
       p.version_start::date AS data_date,
       p.geom
  FROM data.parcel p
  LEFT JOIN data.cadastral_district d
         ON d.district_id = p.district_id AND d.version_end IS NULL AND d.object_end IS NULL
  LEFT JOIN data.cadastral_unit u
         ON u.unit_id = d.unit_id AND u.version_end IS NULL AND u.object_end IS NULL
  LEFT JOIN data.registration_unit r
         ON r.registration_unit_id = p.registration_unit_id
        AND r.version_end IS NULL AND r.object_end IS NULL
 WHERE p.version_end IS NULL AND p.object_end IS NULL
