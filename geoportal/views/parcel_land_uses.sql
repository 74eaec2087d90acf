-- A parcel's klasoużytki as the register states them (EGB_DzialkaEwidencyjna.klasouzytek:
-- OFU, OZU, OZK and the area in ha): public register data (art. 24 ust. 2 PGiK).
SELECT p.parcel_id, k.ofu, k.ozu, k.ozk, k.area_ha
  FROM data.parcel p
 CROSS JOIN LATERAL jsonb_to_recordset(p.land_uses)
       AS k(ofu text, ozu text, ozk text, area_ha numeric)
 WHERE p.version_end IS NULL AND p.object_end IS NULL
