-- Buildings with the parcels they stand on, as the register links them (dzialkaZabudowana);
-- read with `parcel_ids @> ARRAY[id]` (GIN index of migration 0005).
SELECT b.building_id, b.parcel_ids, b.kst_type, b.floors_above, b.floors_below,
       b.built_up_area_m2
  FROM data.building b
 WHERE b.version_end IS NULL AND b.object_end IS NULL
