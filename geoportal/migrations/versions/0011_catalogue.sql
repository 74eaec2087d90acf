-- The CSW catalogue's repository (services/csw): one row per discovery record, with the
-- column names of pycsw's core model, so pycsw's filter translation (OGC Filter, CQL)
-- reads them as they are. Written whole by services/records.py each time the records
-- are regenerated; the public role reads it through publish.catalogue_records.
CREATE SCHEMA catalogue;
CREATE TABLE catalogue.record (
    county text NOT NULL,
    identifier text NOT NULL,
    typename text NOT NULL,
    schema text NOT NULL,
    mdsource text NOT NULL,
    insert_date text NOT NULL,
    xml text NOT NULL,
    anytext text NOT NULL,
    language text, type text, title text, title_alternate text, abstract text,
    keywords text, keywordstype text, parentidentifier text, relation text,
    time_begin text, time_end text, topicategory text, resourcelanguage text,
    creator text, publisher text, contributor text, organization text,
    securityconstraints text, accessconstraints text, otherconstraints text,
    date text, date_revision text, date_creation text, date_publication text,
    date_modified text, format text, source text, crs text, geodescode text,
    denominator text, distancevalue text, distanceuom text, wkt_geometry text,
    servicetype text, servicetypeversion text, operation text, couplingtype text,
    operateson text, operatesonidentifier text, operatesoname text, degree text,
    classification text, conditionapplyingtoaccessanduse text, lineage text,
    responsiblepartyrole text, specificationtitle text, specificationdate text,
    specificationdatetype text, links text,
    PRIMARY KEY (county, identifier)
);
