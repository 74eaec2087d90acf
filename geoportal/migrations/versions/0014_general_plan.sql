-- Zones of the general plan (geoportal/planning/tables.py): APP 2.0 StrefaPlanistyczna,
-- public planning data (art. 30 upzp), versioned like every data table. Local-plan zones
-- stay in data.plan_zone: the two differ in what a zone carries (a functional profile and
-- a zone kind here, a designation and the plan's text there).

CREATE TABLE data.general_plan_zone (       -- StrefaPlanistyczna
    gid               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    namespace         text        NOT NULL,
    local_id          text        NOT NULL,
    version_id        text        NOT NULL,
    object_start      timestamptz,
    version_start     timestamptz NOT NULL,
    version_end       timestamptz,
    object_end        timestamptz,
    run_id            bigint REFERENCES ops.etl_run (run_id),
    zone_id           text NOT NULL,          -- idIIP as one string
    plan_id           text NOT NULL,
    oznaczenie        text NOT NULL,          -- the plan's marking, e.g. 1SJ
    symbol            text NOT NULL,          -- the zone kind's symbol, e.g. SJ
    zone_kind         text,                   -- RodzajStrefyPlanistycznejKod code
    zone_name         text,                   -- nazwa as the plan words it
    main_profile      text,                   -- profilPodstawowy titles, "; "-joined
    extra_profile     text,                   -- profilDodatkowy titles
    max_intensity     numeric(6, 2),          -- maksNadziemnaIntensywnoscZabudowy
    max_built_share   numeric(5, 2),          -- maksUdzialPowierzchniZabudowy [%]
    max_height_m      numeric(6, 2),          -- maksWysokoscZabudowy [m]
    min_bio_share     numeric(5, 2),          -- minUdzialPowierzchniBiologicznieCzynnej [%]
    status            text,                   -- ProcessStepGeneralValue code
    regulation_nature text,                   -- charakterUstalenia code
    valid_from        date,
    valid_to          date,
    geom              geometry(MultiPolygon, 2180) NOT NULL
);
CREATE UNIQUE INDEX general_plan_zone_namespace_local_id_version_id_idx
    ON data.general_plan_zone (namespace, local_id, version_id);
CREATE UNIQUE INDEX general_plan_zone_current_uq
    ON data.general_plan_zone (namespace, local_id) WHERE version_end IS NULL;
CREATE INDEX general_plan_zone_geom_current
    ON data.general_plan_zone USING gist (geom) WHERE version_end IS NULL;
