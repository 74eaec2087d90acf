-- PRG boundaries and addresses, TERYT TERC names; ETL dry runs, reports, changed areas
-- and quarantine. Table definitions: geoportal/boundaries/tables.py, geoportal/history.py.

ALTER TABLE ops.etl_run
    ADD COLUMN dry_run      boolean NOT NULL DEFAULT false,
    ADD COLUMN report_html  text,
    ADD COLUMN changed_area geometry(Geometry, 2180);

CREATE TABLE ops.etl_quarantine (
    quarantine_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id        bigint NOT NULL REFERENCES ops.etl_run (run_id),
    table_name    text   NOT NULL,
    namespace     text,
    local_id      text,
    check_name    text   NOT NULL,
    reason        text   NOT NULL,
    record        jsonb  NOT NULL DEFAULT '{}'::jsonb,
    geom          geometry(Geometry, 2180)
);
CREATE INDEX etl_quarantine_run ON ops.etl_quarantine (run_id);

CREATE TABLE data.versioned_template (
    gid           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    namespace     text        NOT NULL,
    local_id      text        NOT NULL,
    version_id    text        NOT NULL,
    object_start  timestamptz,
    version_start timestamptz NOT NULL,
    version_end   timestamptz,
    object_end    timestamptz,
    run_id        bigint
);

CREATE TABLE data.admin_unit (              -- PRG: country, voivodeships, counties, gminy
    LIKE data.versioned_template INCLUDING ALL,
    teryt text NOT NULL,
    level text NOT NULL CHECK (level IN ('country', 'voivodeship', 'county', 'gmina')),
    name  text NOT NULL,
    geom  geometry(MultiPolygon, 2180) NOT NULL
);

CREATE TABLE data.terc_name (               -- GUS TERC register
    LIKE data.versioned_template INCLUDING ALL,
    teryt       text NOT NULL,
    level       text NOT NULL CHECK (level IN ('voivodeship', 'county', 'gmina')),
    kind        text,
    name        text NOT NULL,
    description text,
    valid_on    date
);

CREATE TABLE data.prg_address (             -- PRG address points
    LIKE data.versioned_template INCLUDING ALL,
    teryt_gmina  text,
    locality     text NOT NULL,
    street       text,
    house_number text NOT NULL,
    postcode     text,
    geom         geometry(Point, 2180) NOT NULL
);

DROP TABLE data.versioned_template;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['admin_unit', 'terc_name', 'prg_address']
    LOOP
        EXECUTE format('ALTER TABLE data.%I ADD FOREIGN KEY (run_id) REFERENCES ops.etl_run (run_id)', t);
        EXECUTE format('CREATE UNIQUE INDEX ON data.%I (namespace, local_id, version_id)', t);
        EXECUTE format('CREATE UNIQUE INDEX %I ON data.%I (namespace, local_id) WHERE version_end IS NULL', t || '_current_uq', t);
    END LOOP;
    FOREACH t IN ARRAY ARRAY['admin_unit', 'prg_address']
    LOOP
        EXECUTE format('CREATE INDEX %I ON data.%I USING gist (geom) WHERE version_end IS NULL', t || '_geom_current', t);
    END LOOP;
END $$;
