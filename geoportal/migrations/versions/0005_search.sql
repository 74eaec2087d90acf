-- Search keys (geoportal/search/keys.py is the same rule in Python; an integration test
-- compares the two on every name of the demo county and on tricky texts).
--
-- search_key: letters with diacritics folded to ASCII (Polish first), every run of other
-- signs one space, lower case, trimmed: 'Łask 1 – Śródmieście' -> 'lask 1 srodmiescie'.
-- The fold happens before lower(), and lower() then sees only ASCII: lower() of non-ASCII
-- letters depends on the collation, the fold does not.
CREATE FUNCTION data.search_key(value text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN lower(btrim(regexp_replace(
        translate(value,
            'ąćęłńóśźżáàâäãåāčçďéèêëěēíìîïīľĺňñòôöõőøřŕšşťúùûüůűūýÿžğĄĆĘŁŃÓŚŹŻÁÀÂÄÃÅĀČÇĎÉÈÊËĚĒÍÌÎÏĪĽĹŇÑÒÔÖÕŐØŘŔŠŞŤÚÙÛÜŮŰŪÝŸŽĞ',
            'acelnoszzaaaaaaaccdeeeeeeiiiiillnnoooooorrsstuuuuuuuyyzgACELNOSZZAAAAAAACCDEEEEEEIIIIILLNNOOOOOORRSSTUUUUUUUYYZG'),
        '[^A-Za-z0-9]+', ' ', 'g')));

-- street_key: the search key without a leading street type ('ul. Warszawska' -> 'warszawska').
CREATE FUNCTION data.street_key(value text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN regexp_replace(data.search_key(value),
                          '^(ul|ulica|al|aleja|aleje|pl|plac|os|osiedle) ', '');

-- number_key: a house number without spaces or other signs, lower case ('12 A' -> '12a').
CREATE FUNCTION data.number_key(value text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN lower(regexp_replace(value, '[^0-9A-Za-z/]+', '', 'g'));

-- Prefix searches are ranges (key >= 'lask' AND key < 'lasl') in byte order: "C" collation,
-- whatever the database's default, and over the current versions only (as the views read).
CREATE INDEX parcel_search_id ON data.parcel ((parcel_id COLLATE "C"))
    WHERE version_end IS NULL;
CREATE INDEX parcel_search_number ON data.parcel (district_id, (number COLLATE "C"))
    WHERE version_end IS NULL;
CREATE INDEX address_search_locality ON data.address (
    (data.search_key(locality) COLLATE "C"), (data.street_key(street) COLLATE "C"),
    (data.number_key(house_number) COLLATE "C")) WHERE version_end IS NULL;
CREATE INDEX address_search_street ON data.address (
    (data.street_key(street) COLLATE "C"), (data.number_key(house_number) COLLATE "C"))
    WHERE version_end IS NULL AND street IS NOT NULL;
CREATE INDEX prg_address_search_locality ON data.prg_address (
    (data.search_key(locality) COLLATE "C"), (data.street_key(street) COLLATE "C"),
    (data.number_key(house_number) COLLATE "C")) WHERE version_end IS NULL;
CREATE INDEX prg_address_search_street ON data.prg_address (
    (data.street_key(street) COLLATE "C"), (data.number_key(house_number) COLLATE "C"))
    WHERE version_end IS NULL AND street IS NOT NULL;

-- The buildings standing on a parcel (the text-only parcel page).
CREATE INDEX building_parcel_ids ON data.building USING gin (parcel_ids)
    WHERE version_end IS NULL;

-- The addresses of a parcel (the text-only parcel page).
CREATE INDEX address_parcel_id ON data.address (parcel_id) WHERE version_end IS NULL;
