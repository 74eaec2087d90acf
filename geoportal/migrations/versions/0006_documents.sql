-- Documents the office issued (geoportal/documents/register.py). Grants are set by
-- geoportal/schema.py: the application adds and reads rows and never changes one; the
-- public reader reads nothing here and may only call documents.verify(code), which
-- answers what the verification page shows (case mark, kind, date, hash) and nothing else.

CREATE SCHEMA documents;

CREATE TABLE documents.issued_document (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id       bigint      NOT NULL REFERENCES cases.case_file (id),
    kind          text        NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_]{1,62}$'),
    sha256        text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    -- Printed on the document and in its QR code: Crockford-free base32, 12 characters.
    code          text        NOT NULL UNIQUE CHECK (code ~ '^[A-Z2-7]{12}$'),
    issued_at     timestamptz NOT NULL,
    storage_path  text        NOT NULL,       -- relative to the documents folder
    size_bytes    integer     NOT NULL CHECK (size_bytes > 0),
    -- One document of a kind per case: a retried job finds the one already issued.
    UNIQUE (case_id, kind)
);

-- Issued documents are records: nobody changes or removes one, the owner included.
CREATE FUNCTION documents.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'documents.issued_document is append-only: % refused', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END
$$;

CREATE TRIGGER issued_document_append_only BEFORE UPDATE OR DELETE ON documents.issued_document
    FOR EACH ROW EXECUTE FUNCTION documents.refuse_change();

-- What the public verification page may learn from a code: no personal data, no path.
CREATE FUNCTION documents.verify(p_code text)
    RETURNS TABLE (case_mark text, kind text, issued_at timestamptz, sha256 text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT c.mark, d.kind, d.issued_at, d.sha256
      FROM documents.issued_document d
      JOIN cases.case_file c ON c.id = d.case_id
     WHERE d.code = upper(p_code)
$$;

REVOKE ALL ON FUNCTION documents.verify(text) FROM PUBLIC;
