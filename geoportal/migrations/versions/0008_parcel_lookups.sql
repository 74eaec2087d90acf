-- Single parcels looked up by ULDK (services/uldk) and GetFeatureInfo.
-- By number within an obręb ("Łask 1 Śródmieście 12", identifiers without a map sheet);
-- current versions only, like parcel_id_current.
CREATE INDEX parcel_number_current ON data.parcel (number) WHERE version_end IS NULL;
-- publish.parcels joins each parcel to its registration unit: one unit per parcel read
-- by index instead of a hash of every unit of the county.
CREATE INDEX registration_unit_id_current ON data.registration_unit (registration_unit_id)
    WHERE version_end IS NULL;
