-- EGiB property addresses (EGB_AdresNieruchomosci: public, art. 24 ust. 2 PGiK), current
-- versions with a position. Owners' addresses are another register (data.subject), never
-- read here.
SELECT a.gid, a.locality, a.street, a.house_number, a.postcode, a.parcel_id,
       a.version_start::date AS data_date, a.geom
  FROM data.address a
 WHERE a.version_end IS NULL AND a.object_end IS NULL AND a.geom IS NOT NULL
