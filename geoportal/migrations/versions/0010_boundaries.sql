-- EGiB boundary points (geoportal/cadastre/tables.py): public cadastral data (art. 24
-- ust. 2 PGiK), no personal data; versioned like every data table.

CREATE TABLE data.boundary_point (          -- EGB_PunktGraniczny
    gid           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    namespace     text        NOT NULL,
    local_id      text        NOT NULL,
    version_id    text        NOT NULL,
    object_start  timestamptz,
    version_start timestamptz NOT NULL,
    version_end   timestamptz,
    object_end    timestamptz,
    run_id        bigint REFERENCES ops.etl_run (run_id),
    point_id      text NOT NULL,              -- idPunktu
    acquisition   text,                       -- sposobPozyskania (SPD)
    accuracy      text,                       -- spelnienieWarunkowDokl (ISD)
    stabilisation text,                       -- rodzajStabilizacji (STB)
    geom          geometry(Point, 2180) NOT NULL
);
CREATE UNIQUE INDEX boundary_point_namespace_local_id_version_id_idx
    ON data.boundary_point (namespace, local_id, version_id);
CREATE UNIQUE INDEX boundary_point_current_uq
    ON data.boundary_point (namespace, local_id) WHERE version_end IS NULL;
CREATE INDEX boundary_point_geom_current
    ON data.boundary_point USING gist (geom) WHERE version_end IS NULL;
