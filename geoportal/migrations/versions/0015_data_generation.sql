-- A counter every change to a data table moves, in the changing transaction: a tile kept in
-- a web process's memory (services/providers/tilememory.py) is served only while the
-- counter it was made under is still the current one. Being a row, not a sequence, it
-- becomes visible together with the data at commit: a reader never sees the new counter
-- with the old data, so a tile made from old data is never stored under the new counter.

CREATE TABLE ops.data_generation (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    n        bigint  NOT NULL
);
INSERT INTO ops.data_generation (n) VALUES (0);

CREATE FUNCTION ops.next_data_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE ops.data_generation SET n = n + 1;
    RETURN NULL;
END
$$;

DO $$
DECLARE
    name text;
BEGIN
    FOR name IN SELECT tablename FROM pg_tables WHERE schemaname = 'data' LOOP
        EXECUTE format('CREATE TRIGGER data_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE'
                       ' ON data.%I FOR EACH STATEMENT EXECUTE FUNCTION ops.next_data_generation()',
                       name);
    END LOOP;
END
$$;
