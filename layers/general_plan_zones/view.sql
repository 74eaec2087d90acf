-- Planning data are public (art. 30 upzp). One row per current zone of a general plan,
-- with the plan's title and adopting resolution.
SELECT z.gid, z.zone_id, z.oznaczenie, z.symbol, z.zone_name, z.main_profile, z.extra_profile,
       z.max_intensity, z.max_built_share, z.max_height_m, z.min_bio_share, z.valid_from,
       z.plan_id, p.title AS plan_title, p.resolution_no, p.journal_entry, z.geom
  FROM data.general_plan_zone z
  JOIN data.plan p
    ON p.plan_id = z.plan_id AND p.version_end IS NULL AND p.object_end IS NULL
 WHERE z.version_end IS NULL AND z.object_end IS NULL
