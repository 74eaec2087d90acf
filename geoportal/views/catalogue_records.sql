-- The CSW catalogue's records (services/csw): discovery metadata only, no personal data.
SELECT * FROM catalogue.record
