-- The county's topographic base map (geoportal/topography/tables.py): BDOT10k-like road
-- lanes, watercourses, water surfaces and localities, versioned like every data table.

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

CREATE TABLE data.topo_road (               -- OT_SKJZ_L
    LIKE data.versioned_template INCLUDING ALL,
    road_id    text NOT NULL,
    road_class text NOT NULL CHECK (road_class IN ('A', 'S', 'GP', 'G', 'Z', 'L', 'D', 'I')),
    surface    text,                          -- materialNawierzchni
    name       text,
    geom       geometry(MultiLineString, 2180) NOT NULL
);

CREATE TABLE data.topo_watercourse (        -- OT_SWRS_L
    LIKE data.versioned_template INCLUDING ALL,
    watercourse_id text NOT NULL,
    kind           text NOT NULL,             -- rzeka, strumień, kanał, rów
    name           text,
    geom           geometry(MultiLineString, 2180) NOT NULL
);

CREATE TABLE data.topo_water_area (         -- OT_PTWP_A
    LIKE data.versioned_template INCLUDING ALL,
    water_id text NOT NULL,
    kind     text NOT NULL,                   -- wody płynące, wody stojące
    name     text,
    geom     geometry(MultiPolygon, 2180) NOT NULL
);

CREATE TABLE data.topo_place_name (         -- OT_ADMS_P
    LIKE data.versioned_template INCLUDING ALL,
    place_id text NOT NULL,
    name     text NOT NULL,
    kind     text NOT NULL,                   -- miasto, wieś, część miasta
    gmina_id text,                            -- TERYT WWPPGG_R
    geom     geometry(Point, 2180) NOT NULL
);

DROP TABLE data.versioned_template;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['topo_road', 'topo_watercourse', 'topo_water_area', 'topo_place_name']
    LOOP
        EXECUTE format('ALTER TABLE data.%I ADD FOREIGN KEY (run_id) REFERENCES ops.etl_run (run_id)', t);
        EXECUTE format('CREATE UNIQUE INDEX ON data.%I (namespace, local_id, version_id)', t);
        EXECUTE format('CREATE UNIQUE INDEX %I ON data.%I (namespace, local_id) WHERE version_end IS NULL', t || '_current_uq', t);
        EXECUTE format('CREATE INDEX %I ON data.%I USING gist (geom) WHERE version_end IS NULL', t || '_geom_current', t);
    END LOOP;
END $$;
