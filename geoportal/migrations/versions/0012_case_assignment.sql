-- Who in the office works on a case (geoportal/cases/assignment.py). NULL: nobody yet.
-- The login of a staff account; accounts are deactivated, never removed, so the
-- reference holds. Every change of it is an audit event in the same transaction.
ALTER TABLE cases.case_file
    ADD COLUMN assignee text REFERENCES auth.staff_user (login);

CREATE INDEX case_file_assignee ON cases.case_file (assignee, deadline) WHERE assignee IS NOT NULL;
