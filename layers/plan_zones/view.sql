-- Planning data are public (art. 30 upzp); `category` is the symbol without its number.
-- Local plans only: a studium's directions are not provisions of a local plan (upzp art. 9
-- ust. 5), and its zones must not be shown or quoted as such. Its typPlanu codes are the
-- `studium` group of geoportal/documents/plan_types.yaml (a test keeps the two equal); an
-- unknown code is shown rather than hidden, so a county's local plans never vanish.
SELECT z.gid, z.zone_id, z.symbol,
       regexp_replace(z.symbol, '^[0-9.]+', '') AS category,
       z.designation, z.plan_id, p.title AS plan_title, p.resolution_no, p.journal_entry,
       z.geom
  FROM data.plan_zone z
  JOIN data.plan p
    ON p.plan_id = z.plan_id AND p.version_end IS NULL AND p.object_end IS NULL
 WHERE z.version_end IS NULL AND z.object_end IS NULL
   AND p.plan_type NOT IN ('studiumUwarunkowanIKierunkowZagospodarowaniaPrzestrzennego')
