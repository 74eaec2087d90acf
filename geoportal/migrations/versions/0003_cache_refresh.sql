-- When the tile caches were truncated and reseeded over a run's changed area
-- (`geoportal cache refresh`); NULL for a published run still waiting for it.
ALTER TABLE ops.etl_run ADD COLUMN cache_refreshed_at timestamptz;
