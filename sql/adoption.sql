--
-- adoption: a namespace the SDK built by hand before cmodel existed is
-- adopted as it is: matching tables, columns and indexes are recorded, not
-- recreated, and the data stays.  What does not match is rejected.
--
\set VERBOSITY default
CREATE EXTENSION cmodel;

-- What the SDK created: serial (integer) keys, its <namespace>_<table>_<name>
-- index names, a column added later, and data.
CREATE SCHEMA adopt_ns;
CREATE TABLE adopt_ns.specialty (dbid serial PRIMARY KEY, name text);
CREATE INDEX adopt_ns_specialty_name_idx ON adopt_ns.specialty (name);
ALTER TABLE adopt_ns.specialty ADD COLUMN code text;
CREATE UNIQUE INDEX adopt_ns_specialty_uq_code ON adopt_ns.specialty (code);
INSERT INTO adopt_ns.specialty (name, code)
VALUES ('Cardiology', 'CAR'), ('Neurology', 'NEU'), ('Oncology', 'ONC');
CREATE TABLE adopt_ns.certification (dbid serial PRIMARY KEY, label text, level text);
CREATE INDEX adopt_ns_certification_by_label ON adopt_ns.certification (level);
CREATE INDEX adopt_ns_certification_active ON adopt_ns.certification (label) WHERE level IS NULL;
CREATE INDEX adopt_ns_certification_pattern ON adopt_ns.certification (label text_pattern_ops);
INSERT INTO adopt_ns.certification (label, level) VALUES ('BLS', '1'), ('ACLS', NULL);
CREATE SEQUENCE adopt_ns.adopt_ns_certification_counter;

CREATE TEMP TABLE adopt_before AS
SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'adopt_ns') AS relations,
       (SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
          JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'adopt_ns' AND a.attnum > 0 AND NOT a.attisdropped) AS columns,
       (SELECT oid FROM pg_class WHERE oid = 'adopt_ns.specialty'::regclass) AS specialty_oid,
       (SELECT relfilenode FROM pg_class WHERE oid = 'adopt_ns.specialty'::regclass) AS specialty_filenode;

SELECT $adopt$
[
  {"name": "Specialty",
   "fields": [{"name": "name", "type": "TextField"},
              {"name": "code", "type": "TextField"}],
   "meta": {"indexes": [{"fields": ["name"]}],
            "constraints": [{"type": "UniqueConstraint", "fields": ["code"], "name": "uq_code"}]}}
]
$adopt$ AS adopt_set \gset

-- The plan: adopt everything, no DDL.
SELECT * FROM cmodel_plan_models('adopt_ns', :'adopt_set', 'adopt_plugin');
-- Registering it.
SELECT * FROM cmodel_register_models('adopt_ns', :'adopt_set', 'adopt_plugin');
-- nothing was created or rewritten, the data is intact
SELECT b.relations = (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                       WHERE n.nspname = 'adopt_ns') AS same_relations,
       b.columns = (SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                      JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname = 'adopt_ns' AND a.attnum > 0 AND NOT a.attisdropped) AS same_columns,
       b.specialty_oid = 'adopt_ns.specialty'::regclass AS same_table,
       b.specialty_filenode = (SELECT relfilenode FROM pg_class WHERE oid = 'adopt_ns.specialty'::regclass) AS not_rewritten
  FROM adopt_before b;
SELECT dbid, name, code FROM adopt_ns.specialty ORDER BY dbid;
\d adopt_ns.specialty
-- the registry knows the namespace, the model, its fields (with the
-- existing integer key) and the adopted indexes
SELECT namespace, models FROM cmodel.namespaces ORDER BY namespace COLLATE "C";
SELECT model, kind, table_name, plugin FROM cmodel.models
 WHERE namespace = 'adopt_ns' ORDER BY model COLLATE "C";
SELECT model, field, column_name, column_type FROM cmodel.fields
 WHERE namespace = 'adopt_ns' ORDER BY model COLLATE "C", position;
SELECT model, index_name, kind, columns, definition FROM cmodel.indexes
 WHERE namespace = 'adopt_ns' ORDER BY index_name COLLATE "C";
-- and a second registration does nothing
SELECT * FROM cmodel_register_models('adopt_ns', :'adopt_set', 'adopt_plugin');

-- Relations to an adopted serial key are typed integer, like the key.
SELECT * FROM cmodel_register_model('adopt_ns', '{"name": "Assignment", "fields": [
    {"name": "specialty", "type": "ForeignKey", "to": "Specialty", "on_delete": "CASCADE", "related_name": "assignments"},
    {"name": "primary", "type": "OneToOneField", "to": "Specialty", "on_delete": "SET_NULL", "related_name": "primary_assignment"}]}');
SELECT * FROM cmodel_register_model('adopt_ns', '{"name": "SpecialtyNote", "fields": [
    {"name": "specialty", "type": "OneToOneField", "to": "Specialty", "on_delete": "CASCADE",
     "primary_key": true, "related_name": "note"},
    {"name": "body", "type": "TextField"}]}');
SELECT model, field, column_name, target_table, target_column FROM cmodel.relations
 WHERE namespace = 'adopt_ns' ORDER BY model COLLATE "C", field COLLATE "C";
\d adopt_ns.assignment
\d adopt_ns.specialtynote

-- A new field on an adopted table is added (no rewrite, rows untouched).
SELECT * FROM cmodel_register_model('adopt_ns', '{"name": "Specialty",
   "fields": [{"name": "name", "type": "TextField"},
              {"name": "code", "type": "TextField"},
              {"name": "description", "type": "TextField"}],
   "meta": {"indexes": [{"fields": ["name"]}],
            "constraints": [{"type": "UniqueConstraint", "fields": ["code"], "name": "uq_code"}]}}');
SELECT dbid, name, code, description FROM adopt_ns.specialty ORDER BY dbid;
SELECT (SELECT relfilenode FROM pg_class WHERE oid = 'adopt_ns.specialty'::regclass) = b.specialty_filenode AS not_rewritten
  FROM adopt_before b;

-- error: an existing column whose type differs from the descriptor
SELECT * FROM cmodel_register_model('adopt_ns', '{"name": "Certification", "fields": [
    {"name": "label", "type": "TextField"},
    {"name": "level", "type": "IntegerField"}]}');
-- error: an existing serial key and a OneToOneField primary key
SELECT * FROM cmodel_register_model('adopt_ns', '{"name": "Certification", "fields": [
    {"name": "label", "type": "OneToOneField", "to": "Specialty", "on_delete": "CASCADE",
     "primary_key": true, "related_name": "certification"},
    {"name": "level", "type": "TextField"}]}');
-- error: an existing index with that name on other columns
SELECT * FROM cmodel_register_model('adopt_ns', '{"name": "Certification", "fields": [
    {"name": "label", "type": "TextField"},
    {"name": "level", "type": "TextField"}],
  "meta": {"indexes": [{"fields": ["label"], "name": "by_label"}]}}');
-- error: ... that is not unique, for a UniqueConstraint
SELECT * FROM cmodel_register_model('adopt_ns', '{"name": "Certification", "fields": [
    {"name": "label", "type": "TextField"},
    {"name": "level", "type": "TextField"}],
  "meta": {"constraints": [{"type": "UniqueConstraint", "fields": ["level"], "name": "by_label"}]}}');
-- error: ... that is descending where the existing one is not
SELECT * FROM cmodel_register_model('adopt_ns', '{"name": "Certification", "fields": [
    {"name": "label", "type": "TextField"},
    {"name": "level", "type": "TextField"}],
  "meta": {"indexes": [{"fields": ["-level"], "name": "by_label"}]}}');
-- error: ... with another condition
SELECT * FROM cmodel_register_model('adopt_ns', '{"name": "Certification", "fields": [
    {"name": "label", "type": "TextField"},
    {"name": "level", "type": "TextField"}],
  "meta": {"indexes": [{"fields": ["label"], "name": "active", "condition": {"level__isnull": false}}]}}');
-- error: ... with another operator class
SELECT * FROM cmodel_register_model('adopt_ns', '{"name": "Certification", "fields": [
    {"name": "label", "type": "TextField"},
    {"name": "level", "type": "TextField"}],
  "meta": {"indexes": [{"fields": ["label"], "name": "pattern"}]}}');
-- error: a name taken by a relation that is not an index
SELECT * FROM cmodel_register_model('adopt_ns', '{"name": "Certification", "fields": [
    {"name": "label", "type": "TextField"},
    {"name": "level", "type": "TextField"}],
  "meta": {"indexes": [{"fields": ["label"], "name": "counter"}]}}');
-- the rejected calls left Certification unregistered
SELECT count(*) AS certification_models FROM cmodel.models
 WHERE namespace = 'adopt_ns' AND model = 'Certification';
-- error: even a partial index whose condition matches is not adopted: cmodel
-- cannot compare predicates safely (and the SDK never builds partial indexes)
SELECT * FROM cmodel_register_model('adopt_ns', '{"name": "Certification", "fields": [
    {"name": "label", "type": "TextField"},
    {"name": "level", "type": "TextField"}],
  "meta": {"indexes": [{"fields": ["label"], "name": "active", "condition": {"level__isnull": true}}]}}');
-- The matching descriptor adopts the table and index, and a new index is created.
SELECT * FROM cmodel_register_model('adopt_ns', '{"name": "Certification", "fields": [
    {"name": "label", "type": "TextField"},
    {"name": "level", "type": "TextField"}],
  "meta": {"indexes": [{"fields": ["level"], "name": "by_label"},
                       {"fields": ["label", "level"], "name": "label_level"}]}}');
SELECT dbid, label, level FROM adopt_ns.certification ORDER BY dbid;
\d adopt_ns.certification

-- Tables cmodel will not adopt: what the guard keeps out of a namespace
-- (unlogged storage, inheritance, rules, triggers but cmodel's, temporary
-- dependencies, generated columns), refused at registration, in a plan too; and a table that
-- the registering role does not own
CREATE SCHEMA adopt_bad;
CREATE UNLOGGED TABLE adopt_bad.unlogged (dbid bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, body text);
CREATE TABLE adopt_bad.parent (dbid bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, body text);
CREATE TABLE adopt_bad.child () INHERITS (adopt_bad.parent);
CREATE TABLE adopt_bad.ruled (dbid bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, body text);
CREATE RULE swallow AS ON INSERT TO adopt_bad.ruled DO INSTEAD NOTHING;
CREATE TABLE adopt_bad.triggered (dbid bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, body text);
CREATE FUNCTION adopt_bad.grow() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN NEW.body := NEW.body || 'x'; RETURN NEW; END$$;
CREATE TRIGGER zz_grow BEFORE INSERT ON adopt_bad.triggered FOR EACH ROW EXECUTE FUNCTION adopt_bad.grow();
CREATE TABLE adopt_bad.generated (dbid bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, n integer,
                                   body text GENERATED ALWAYS AS (repeat('x', n)) STORED);
CREATE TYPE pg_temp.adopt_mood AS ENUM ('a', 'b');
CREATE TABLE adopt_bad.temped (dbid bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, body text, m pg_temp.adopt_mood);
-- error: each of them
SELECT * FROM cmodel_plan_model('adopt_bad', '{"name": "Unlogged", "fields": [{"name": "body", "type": "TextField"}]}');
SELECT * FROM cmodel_register_model('adopt_bad', '{"name": "Unlogged", "fields": [{"name": "body", "type": "TextField"}]}');
SELECT * FROM cmodel_register_model('adopt_bad', '{"name": "Parent", "fields": [{"name": "body", "type": "TextField"}]}');
SELECT * FROM cmodel_register_model('adopt_bad', '{"name": "Child", "fields": [{"name": "body", "type": "TextField"}]}');
SELECT * FROM cmodel_register_model('adopt_bad', '{"name": "Ruled", "fields": [{"name": "body", "type": "TextField"}]}');
SELECT * FROM cmodel_register_model('adopt_bad', '{"name": "Triggered", "fields": [{"name": "body", "type": "TextField"}]}');
SELECT * FROM cmodel_register_model('adopt_bad', '{"name": "Temped", "fields": [{"name": "body", "type": "TextField"}]}');
SELECT * FROM cmodel_register_model('adopt_bad', '{"name": "Generated", "fields": [{"name": "n", "type": "IntegerField"}, {"name": "body", "type": "TextField"}]}');
SELECT count(*) AS registered FROM cmodel.models WHERE namespace = 'adopt_bad';
-- the same tables made fit are adopted
DROP TRIGGER zz_grow ON adopt_bad.triggered;
ALTER TABLE adopt_bad.unlogged SET LOGGED;
SELECT action, object FROM cmodel_register_models('adopt_bad', '[{"name": "Unlogged", "fields": [{"name": "body", "type": "TextField"}]},
  {"name": "Triggered", "fields": [{"name": "body", "type": "TextField"}]}]');
-- a table made by hand by another role, which the deployer cannot change itself
CREATE ROLE regress_adopt_maker;
CREATE ROLE regress_adopt_deployer;
SELECT cmodel_grant_access('adopt_bad', 'regress_adopt_deployer', 'register');
GRANT USAGE, CREATE ON SCHEMA adopt_bad TO regress_adopt_maker;
SET ROLE regress_adopt_maker;
CREATE TABLE adopt_bad.theirs (dbid bigint PRIMARY KEY, secret text);
RESET ROLE;
SET ROLE regress_adopt_deployer;
-- error: 42501
SELECT * FROM cmodel_register_model('adopt_bad', '{"name": "Theirs", "fields": [{"name": "extra", "type": "TextField"}]}');
RESET ROLE;

-- Clean up.
-- cleanup: namespaces are guarded, so dropping them takes break-glass
SET cmodel.allow_destructive_ddl = on;
SET client_min_messages = warning;
DROP SCHEMA adopt_ns, adopt_bad CASCADE;
DROP EXTENSION cmodel;
DROP ROLE regress_adopt_maker, regress_adopt_deployer;
RESET client_min_messages;
