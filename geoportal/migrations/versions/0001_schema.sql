-- Schemas, EGiB and planning tables with version history, ops bookkeeping.
-- Roles are created by the cluster bootstrap (they are cluster-wide); this migration
-- only grants. Public services never read `data`: they read views in `publish`.

CREATE SCHEMA IF NOT EXISTS staging;
CREATE SCHEMA IF NOT EXISTS data;
CREATE SCHEMA IF NOT EXISTS publish;
CREATE SCHEMA IF NOT EXISTS ops;

CREATE TABLE ops.etl_run (
    run_id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source      text        NOT NULL,
    started_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    status      text        NOT NULL DEFAULT 'running'
                CHECK (status IN ('running', 'done', 'failed')),
    counts      jsonb       NOT NULL DEFAULT '{}'::jsonb,
    report      jsonb       NOT NULL DEFAULT '{}'::jsonb
);

-- Every EGiB/APP object row is one *version* of an object (idIIP lokalnyId + wersjaId).
-- The current version has version_end IS NULL and object_end IS NULL.
CREATE TABLE data.versioned_template (
    gid           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    namespace     text        NOT NULL,
    local_id      text        NOT NULL,
    version_id    text        NOT NULL,
    object_start  timestamptz,
    version_start timestamptz NOT NULL,
    version_end   timestamptz,
    object_end    timestamptz,
    run_id        bigint REFERENCES ops.etl_run (run_id)
);

CREATE TABLE data.cadastral_unit (          -- EGB_JednostkaEwidencyjna
    LIKE data.versioned_template INCLUDING ALL,
    unit_id   text NOT NULL,                 -- WWPPGG_R
    name      text NOT NULL,
    geom      geometry(MultiPolygon, 2180) NOT NULL
);

CREATE TABLE data.cadastral_district (      -- EGB_ObrebEwidencyjny
    LIKE data.versioned_template INCLUDING ALL,
    district_id text NOT NULL,               -- WWPPGG_R.XXXX
    name        text NOT NULL,
    unit_id     text NOT NULL,
    geom        geometry(MultiPolygon, 2180) NOT NULL
);

CREATE TABLE data.parcel (                  -- EGB_DzialkaEwidencyjna
    LIKE data.versioned_template INCLUDING ALL,
    parcel_id            text NOT NULL,      -- WWPPGG_R.XXXX[.AR_N].NDZ
    number               text NOT NULL,      -- NDZ, e.g. 123/4
    sheet                text,               -- AR_N map sheet, when numbered per sheet
    district_id          text NOT NULL,
    area_ha              numeric(14, 4) NOT NULL,  -- poleEwidencyjne, the legal area
    area_precision       smallint,           -- dokladnoscReprezentacjiPola
    land_register_no     text,               -- numerKW
    registration_unit_id text,
    land_uses            jsonb NOT NULL DEFAULT '[]'::jsonb,  -- klasouzytek: [{ofu, ozu, ozk, area_ha}]
    geom                 geometry(MultiPolygon, 2180) NOT NULL
);

CREATE TABLE data.building (                -- EGB_Budynek
    LIKE data.versioned_template INCLUDING ALL,
    building_id          text NOT NULL,
    kst_type             text,               -- rodzajWgKST
    floors_above         smallint,
    floors_below         smallint,
    built_up_area_m2     numeric(12, 2),
    parcel_ids           text[] NOT NULL DEFAULT '{}',
    registration_unit_id text,
    geom                 geometry(MultiPolygon, 2180) NOT NULL
);

CREATE TABLE data.land_use_contour (        -- EGB_KonturUzytkuGruntowego
    LIKE data.versioned_template INCLUDING ALL,
    contour_id text NOT NULL,
    ofu        text NOT NULL,
    geom       geometry(MultiPolygon, 2180) NOT NULL
);

CREATE TABLE data.soil_class_contour (      -- EGB_KonturKlasyfikacyjny
    LIKE data.versioned_template INCLUDING ALL,
    contour_id text NOT NULL,
    ozu        text NOT NULL,
    ozk        text,
    geom       geometry(MultiPolygon, 2180) NOT NULL
);

CREATE TABLE data.address (                 -- EGB_AdresNieruchomosci
    LIKE data.versioned_template INCLUDING ALL,
    locality     text NOT NULL,
    street       text,
    house_number text NOT NULL,
    postcode     text,
    parcel_id    text,
    geom         geometry(Point, 2180)
);

CREATE TABLE data.registration_unit (       -- EGB_JednostkaRejestrowaGruntow
    LIKE data.versioned_template INCLUDING ALL,
    registration_unit_id text NOT NULL,      -- WWPPGG_R.XXXX.G<n>
    district_id          text NOT NULL,
    registry_group       smallint CHECK (registry_group BETWEEN 1 AND 16)
);

-- Personal data (art. 24 ust. 5 PGiK): never granted to the public reader role.
CREATE TABLE data.subject (                 -- EGB_OsobaFizyczna / Instytucja / Malzenstwo / PodmiotGrupowy
    LIKE data.versioned_template INCLUDING ALL,
    subject_kind  text NOT NULL CHECK (subject_kind IN ('person', 'institution', 'marriage', 'group')),
    first_name    text,
    second_name   text,
    surname       text,
    father_name   text,
    mother_name   text,
    pesel         text,
    regon         text,
    name          text,                      -- institution / group name
    address       text,
    member_ids    text[]                     -- marriage / group members (subject local ids)
);

CREATE TABLE data.share (                   -- EGB_UdzialWeWlasnosci / EGB_UdzialWeWladaniu
    LIKE data.versioned_template INCLUDING ALL,
    share_kind           text NOT NULL CHECK (share_kind IN ('ownership', 'holding')),
    registration_unit_id text NOT NULL,
    subject_local_id     text NOT NULL,
    numerator            integer NOT NULL CHECK (numerator > 0),
    denominator          integer NOT NULL CHECK (denominator >= numerator),
    right_kind           text                -- rodzajPrawa / rodzajWladania code
);

CREATE TABLE data.plan (                    -- APP AktPlanowaniaPrzestrzennego
    LIKE data.versioned_template INCLUDING ALL,
    plan_id          text NOT NULL,          -- idIIP as one string
    title            text NOT NULL,
    plan_type        text NOT NULL,          -- typPlanu code
    level            text,                   -- poziomHierarchii
    status           text NOT NULL,          -- statusAktu
    resolution_no    text,
    resolution_date  date,
    journal_entry    text,                   -- Dziennik Urzędowy position
    valid_from       date,
    valid_to         date,
    geom             geometry(MultiPolygon, 2180) NOT NULL
);

CREATE TABLE data.plan_zone (               -- APP zone / MPZP teren
    LIKE data.versioned_template INCLUDING ALL,
    zone_id      text NOT NULL,
    plan_id      text NOT NULL,
    symbol       text NOT NULL,
    designation  text NOT NULL,              -- przeznaczenie, in the plan's own words
    plan_text    text,                       -- the provisions for the zone
    max_height_m numeric(6, 2),
    max_intensity numeric(6, 2),
    min_bio_share numeric(5, 2),
    geom         geometry(MultiPolygon, 2180) NOT NULL
);

DROP TABLE data.versioned_template;

-- One row per object version; the current version of each object is unique.
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['cadastral_unit', 'cadastral_district', 'parcel', 'building',
        'land_use_contour', 'soil_class_contour', 'address', 'registration_unit', 'subject',
        'share', 'plan', 'plan_zone']
    LOOP
        EXECUTE format('ALTER TABLE data.%I ADD FOREIGN KEY (run_id) REFERENCES ops.etl_run (run_id)', t);
        EXECUTE format('CREATE UNIQUE INDEX ON data.%I (namespace, local_id, version_id)', t);
        EXECUTE format('CREATE UNIQUE INDEX %I ON data.%I (namespace, local_id) WHERE version_end IS NULL', t || '_current_uq', t);
    END LOOP;
    FOREACH t IN ARRAY ARRAY['cadastral_unit', 'cadastral_district', 'parcel', 'building',
        'land_use_contour', 'soil_class_contour', 'address', 'plan', 'plan_zone']
    LOOP
        EXECUTE format('CREATE INDEX %I ON data.%I USING gist (geom) WHERE version_end IS NULL', t || '_geom_current', t);
    END LOOP;
END $$;

CREATE INDEX parcel_id_current ON data.parcel (parcel_id) WHERE version_end IS NULL;
CREATE INDEX building_id_current ON data.building (building_id) WHERE version_end IS NULL;
CREATE INDEX district_id_current ON data.cadastral_district (district_id) WHERE version_end IS NULL;
CREATE INDEX share_unit ON data.share (registration_unit_id) WHERE version_end IS NULL;
