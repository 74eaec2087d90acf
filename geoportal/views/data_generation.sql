-- The counter of data changes (ops.data_generation), all the public role may read of it:
-- the tile path serves a tile kept in memory only while it is unchanged.
SELECT n FROM ops.data_generation
