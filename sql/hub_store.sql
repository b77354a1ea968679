--
-- hub_store: every namespace's attribute hub store (<namespace>.cmodel_hubs)
-- and the functions on it: get-or-create, set one and many, get as jsonb and
-- typed, has, delete one and a hub, list, read many, find; the limits on
-- every write path; the guard; privileges.
--
CREATE EXTENSION cmodel;
SELECT cmodel_create_namespace('hs_ns');

-- the store came with the namespace: keyed by (type, id), one GIN index
\d hs_ns.cmodel_hubs

-- get-or-create: created once, then found
SELECT * FROM cmodel_hub_get_or_create('hs_ns', 'staff_preferences', 'staff:1');
SELECT * FROM cmodel_hub_get_or_create('hs_ns', 'staff_preferences', 'staff:1');

-- set one: every value type keeps its type
SELECT cmodel_hub_set('hs_ns', 'staff_preferences', 'staff:1', 'pager_number', '555-1234');
SELECT cmodel_hub_set('hs_ns', 'staff_preferences', 'staff:1', 'big', 9223372036854775807);
SELECT cmodel_hub_set('hs_ns', 'staff_preferences', 'staff:1', 'small', -9223372036854775808);
SELECT cmodel_hub_set('hs_ns', 'staff_preferences', 'staff:1', 'rate', 1.50);
SELECT cmodel_hub_set('hs_ns', 'staff_preferences', 'staff:1', 'active', true);
SELECT cmodel_hub_set('hs_ns', 'staff_preferences', 'staff:1', 'since', '2024-02-29'::date);
SELECT cmodel_hub_set('hs_ns', 'staff_preferences', 'staff:1', 'seen', '2024-03-01 09:30:00.25+02'::timestamptz);
SELECT cmodel_hub_set('hs_ns', 'staff_preferences', 'staff:1', 'office_hours', '{"monday": "9-5"}'::jsonb);
SELECT cmodel_hub_set('hs_ns', 'staff_preferences', 'staff:1', 'tags', '["a", "b"]'::jsonb);
SELECT cmodel_hub_set('hs_ns', 'staff_preferences', 'staff:1', 'json_null', 'null'::jsonb);
SELECT cmodel_hub_set('hs_ns', 'staff_preferences', 'staff:1', 'nothing', NULL::text);
SELECT * FROM cmodel_hub_attributes('hs_ns', 'staff_preferences', 'staff:1') ORDER BY name COLLATE "C";

-- get as jsonb: SQL NULL when missing, JSON null for None and for JSON null
SELECT cmodel_hub_get('hs_ns', 'staff_preferences', 'staff:1', 'rate') AS rate,
       cmodel_hub_get('hs_ns', 'staff_preferences', 'staff:1', 'nothing') AS none,
       cmodel_hub_get('hs_ns', 'staff_preferences', 'staff:1', 'json_null') AS json_null,
       cmodel_hub_get('hs_ns', 'staff_preferences', 'staff:1', 'missing') IS NULL AS missing_is_null,
       cmodel_hub_get('hs_ns', 'staff_preferences', 'staff:404', 'rate') IS NULL AS no_hub_is_null;
-- typed: the exact SQL type
SELECT cmodel_hub_get('hs_ns', 'staff_preferences', 'staff:1', 'big', NULL::bigint) AS big,
       cmodel_hub_get('hs_ns', 'staff_preferences', 'staff:1', 'small', NULL::bigint) AS small,
       cmodel_hub_get('hs_ns', 'staff_preferences', 'staff:1', 'rate', NULL::numeric) AS rate,
       cmodel_hub_get('hs_ns', 'staff_preferences', 'staff:1', 'active', NULL::boolean) AS active,
       cmodel_hub_get('hs_ns', 'staff_preferences', 'staff:1', 'since', NULL::date) AS since;
SET TIME ZONE 'UTC';
SELECT cmodel_hub_get('hs_ns', 'staff_preferences', 'staff:1', 'seen', NULL::timestamptz) AS seen,
       cmodel_hub_get('hs_ns', 'staff_preferences', 'staff:1', 'office_hours', NULL::jsonb) AS office_hours,
       cmodel_hub_get('hs_ns', 'staff_preferences', 'staff:1', 'nothing', NULL::text) IS NULL AS none_is_null;
RESET TIME ZONE;
-- error: another type is 42804, never a conversion
\set VERBOSITY default
\set ON_ERROR_STOP 0
SELECT cmodel_hub_get('hs_ns', 'staff_preferences', 'staff:1', 'rate', NULL::bigint);
SELECT cmodel_hub_get('hs_ns', 'staff_preferences', 'staff:1', 'big', NULL::integer);
\set VERBOSITY terse
SELECT cmodel_hub_get('hs_ns', 'staff_preferences', 'staff:1', 'pager_number', NULL::date);
\set VERBOSITY default

-- has: None counts, missing does not
SELECT cmodel_hub_has('hs_ns', 'staff_preferences', 'staff:1', 'nothing') AS has_none,
       cmodel_hub_has('hs_ns', 'staff_preferences', 'staff:1', 'missing') AS has_missing,
       cmodel_hub_has('hs_ns', 'staff_preferences', 'staff:404', 'nothing') AS no_hub;

-- set many: one statement, creates the hub, replaces what it names
SELECT cmodel_hub_set_many('hs_ns', 'staff_preferences', 'staff:2',
    '{"pager_number": "555-9876", "preferred_contact": "email", "visits": 650.0,
      "office_hours": {"tuesday": "9-5"}, "$types": {"visits": "numeric", "office_hours": "json"}}');
SELECT cmodel_hub_set_many('hs_ns', 'staff_preferences', 'staff:2', '{"preferred_contact": "pager", "since": "2023-12-31", "$types": {"since": "date"}}');
SELECT cmodel_hub_read('hs_ns', 'staff_preferences', 'staff:2');
-- a hub value passes as it is
SELECT cmodel_hub_set_many('hs_ns', 'staff_preferences', 'staff:3',
    cmodel.hub_set(cmodel.hub_set(NULL, 'visits', 500), 'since', '2024-06-01'::date));
SELECT cmodel_hub_set('hs_ns', 'staff_preferences', 'staff:4', 'visits', 499);
-- error: a value that is not what its type says names the attribute
SELECT cmodel_hub_set_many('hs_ns', 'staff_preferences', 'staff:2', '{"since": "yesterday", "$types": {"since": "date"}}');
SELECT cmodel_hub_get('hs_ns', 'staff_preferences', 'staff:2', 'since', NULL::date) AS since_unchanged;

-- delete one: true only if it was there; a hub: the same
SELECT cmodel_hub_delete_attribute('hs_ns', 'staff_preferences', 'staff:1', 'nothing') AS deleted,
       cmodel_hub_delete_attribute('hs_ns', 'staff_preferences', 'staff:1', 'nothing') AS again,
       cmodel_hub_delete_attribute('hs_ns', 'staff_preferences', 'staff:404', 'nothing') AS no_hub;
SELECT cmodel_hub_has('hs_ns', 'staff_preferences', 'staff:1', 'nothing') AS still_there;
SELECT cmodel_hub_set('hs_ns', 'scratch', 'x', 'a', 1);
SELECT cmodel_hub_delete('hs_ns', 'scratch', 'x') AS deleted, cmodel_hub_delete('hs_ns', 'scratch', 'x') AS again;

-- read many hubs in one query, by id; missing ids are left out
SELECT id, cmodel.hub_get(attrs, 'pager_number') AS pager
  FROM cmodel_hub_read_many('hs_ns', 'staff_preferences', ARRAY['staff:2', 'staff:1', 'staff:404']);

-- find: equality for every type, ranges for numbers, dates and timestamps;
-- 650 = 650.0, and an int and a decimal compare as numbers
SELECT id FROM cmodel_hub_find('hs_ns', cmodel.hub_query('visits', '>=', 500)) ORDER BY id;
SELECT id FROM cmodel_hub_find('hs_ns', cmodel.hub_query('visits', '=', 650)) ORDER BY id;
SELECT id FROM cmodel_hub_find('hs_ns', cmodel.hub_query('visits', '<', 500.5)) ORDER BY id;
SELECT id FROM cmodel_hub_find('hs_ns', cmodel.hub_between('since', '2024-01-01'::date, '2024-12-31'::date)) ORDER BY id;
SELECT id FROM cmodel_hub_find('hs_ns', cmodel.hub_query('pager_number', '=', '555-9876')) ORDER BY id;
SELECT id FROM cmodel_hub_find('hs_ns', cmodel.hub_query('office_hours', '=', '{"monday": "9-5"}'::jsonb)) ORDER BY id;
SELECT id FROM cmodel_hub_find('hs_ns', cmodel.hub_query('active', '=', true), 'staff_preferences') ORDER BY id;
SELECT count(*) AS other_type FROM cmodel_hub_find('hs_ns', cmodel.hub_query('visits', '>=', 0), 'other');
-- an off-type value never matches and never raises
SELECT count(*) AS text_vs_number FROM cmodel_hub_find('hs_ns', cmodel.hub_query('pager_number', '>', 0));

-- analysts read the store as plain jsonb, without cmodel's functions
SELECT id, attrs->>'pager_number' AS pager, (attrs->>'visits')::numeric AS visits
  FROM hs_ns.cmodel_hubs WHERE attrs @> '{"preferred_contact": "pager"}' ORDER BY id;
-- the index answers finds on the store (equality and a range)
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM hs_ns.cmodel_hubs WHERE attrs @@ cmodel.hub_query('visits', '=', 650);
EXPLAIN (COSTS OFF) SELECT id FROM hs_ns.cmodel_hubs WHERE attrs @@ cmodel.hub_between('since', '2024-01-01'::date, '2024-12-31'::date);
RESET enable_seqscan;

-- keys: at most 100 characters, counted as characters; never truncated
SELECT cmodel_hub_set('hs_ns', repeat('t', 100), repeat('é', 100), 'a', 1);
SELECT count(*) FROM hs_ns.cmodel_hubs WHERE id = repeat('é', 100);
SELECT cmodel_hub_set('hs_ns', 'staff_preferences', repeat('x', 101), 'a', 1);
SELECT * FROM cmodel_hub_get_or_create('hs_ns', repeat('t', 101), 'x');
-- plain SQL meets the same rule
INSERT INTO hs_ns.cmodel_hubs (type, id) VALUES ('t', repeat('y', 101));
UPDATE hs_ns.cmodel_hubs SET type = repeat('z', 101) WHERE id = 'staff:1';
COPY hs_ns.cmodel_hubs (type, id) FROM STDIN;
copied	yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy
\.
SELECT count(*) AS copied FROM hs_ns.cmodel_hubs WHERE type = 'copied';
-- attribute names: 1 to 100 characters, not starting with "$"
SELECT cmodel_hub_set('hs_ns', 'staff_preferences', 'staff:1', '$types', 1);
SELECT cmodel_hub_set('hs_ns', 'staff_preferences', 'staff:1', repeat('n', 101), 1);

-- values: at most 1,048,576 characters each, per value not per hub
SELECT cmodel_hub_set('hs_ns', 'big', 'b1', 'exact', repeat('é', 1048576));
SELECT cmodel_hub_set('hs_ns', 'big', 'b2', 'a', repeat('x', 600000));
SELECT cmodel_hub_set('hs_ns', 'big', 'b2', 'b', repeat('x', 600000));
SELECT id, pg_catalog.length(attrs->>'a') + pg_catalog.length(attrs->>'b') AS chars
  FROM hs_ns.cmodel_hubs WHERE type = 'big' AND id = 'b2';
SELECT cmodel_hub_set('hs_ns', 'big', 'b3', 'over', repeat('x', 1048577));
SELECT cmodel_hub_set_many('hs_ns', 'big', 'b3', jsonb_build_object('doc', jsonb_build_array(repeat('x', 1048575)), '$types', jsonb_build_object('doc', 'json')));
SELECT cmodel_hub_has('hs_ns', 'big', 'b3', 'over') AS stored;
-- on every path: plain UPDATE and INSERT of the store
UPDATE hs_ns.cmodel_hubs SET attrs = cmodel.hub_set(attrs, 'c', repeat('x', 1048577)) WHERE type = 'big' AND id = 'b2';
INSERT INTO hs_ns.cmodel_hubs VALUES ('big', 'b4', cmodel.hub_set(NULL, 'over', repeat('x', 1048577)));
DELETE FROM hs_ns.cmodel_hubs WHERE type = 'big';

-- set many: at most cmodel.max_bulk_rows names in one call
SET cmodel.max_bulk_rows = 3;
SELECT cmodel_hub_set_many('hs_ns', 'bulk', 'x', '{"a": 1, "b": 2, "c": 3}');
SELECT cmodel_hub_set_many('hs_ns', 'bulk', 'x', '{"a": 1, "b": 2, "c": 3, "d": 4}');
RESET cmodel.max_bulk_rows;
SELECT cmodel_hub_read('hs_ns', 'bulk', 'x');

-- bad arguments are errors, not silent NULLs
SELECT cmodel_hub_set('hs_ns', NULL, 'x', 'a', 1);
SELECT cmodel_hub_set('hs_ns', 'bulk', 'x', NULL, 1);
SELECT cmodel_hub_get('hs_ns', 'bulk', NULL, 'a');
SELECT cmodel_hub_set_many('hs_ns', 'bulk', 'x', NULL);
SELECT cmodel_hub_set_many('hs_ns', 'bulk', 'x', '[1, 2]');
SELECT cmodel_hub_get('no_such_ns', 'bulk', 'x', 'a');
SELECT cmodel_hub_get('Not A Name', 'bulk', 'x', 'a');
SELECT cmodel_hub_get('public', 'bulk', 'x', 'a');

-- the guard: the store is kept like a model's table; its rows are data
DROP TABLE hs_ns.cmodel_hubs;
ALTER TABLE hs_ns.cmodel_hubs DROP COLUMN attrs;
ALTER TABLE hs_ns.cmodel_hubs ALTER COLUMN id TYPE varchar(50);
ALTER TABLE hs_ns.cmodel_hubs RENAME TO hubs;
DROP INDEX hs_ns.cmodel_hubs_attrs_idx;
ALTER TABLE hs_ns.cmodel_hubs DISABLE TRIGGER cmodel_write;
DELETE FROM hs_ns.cmodel_hubs WHERE type = 'bulk';
SELECT cmodel_hub_has('hs_ns', 'bulk', 'x', 'a') AS after_delete;
-- a model table cannot take the store's name
SELECT * FROM cmodel_register_model('hs_ns', '{"name": "Cmodel_Hubs", "fields": []}');

-- privileges decide: the functions run as their caller
CREATE ROLE regress_hub_reader;
CREATE ROLE regress_hub_stranger;
GRANT USAGE ON SCHEMA hs_ns TO regress_hub_reader;
GRANT SELECT ON hs_ns.cmodel_hubs TO regress_hub_reader;
SET ROLE regress_hub_reader;
SELECT cmodel_hub_get('hs_ns', 'staff_preferences', 'staff:2', 'pager_number') AS reader_reads;
SELECT count(*) AS reader_finds FROM cmodel_hub_find('hs_ns', cmodel.hub_query('visits', '>=', 0));
SELECT cmodel_hub_set('hs_ns', 'staff_preferences', 'staff:2', 'pager_number', 'mine');
SELECT cmodel_hub_delete('hs_ns', 'staff_preferences', 'staff:2');
SET ROLE regress_hub_stranger;
SELECT cmodel_hub_get('hs_ns', 'staff_preferences', 'staff:2', 'pager_number');
SELECT * FROM cmodel_hub_get_or_create('hs_ns', 'staff_preferences', 'staff:9');
RESET ROLE;
SELECT cmodel_hub_get('hs_ns', 'staff_preferences', 'staff:2', 'pager_number') AS unchanged;
-- column privileges and row security decide as they would for plain SQL
-- (the readers' fast path steps aside for them)
CREATE ROLE regress_hub_columns;
GRANT USAGE ON SCHEMA hs_ns TO regress_hub_columns;
GRANT SELECT (type, id, attrs) ON hs_ns.cmodel_hubs TO regress_hub_columns;
SET ROLE regress_hub_columns;
SELECT cmodel_hub_get('hs_ns', 'staff_preferences', 'staff:2', 'pager_number') AS column_grant_reads,
       cmodel_hub_has('hs_ns', 'staff_preferences', 'staff:2', 'visits') AS column_grant_has;
RESET ROLE;
REVOKE SELECT (attrs) ON hs_ns.cmodel_hubs FROM regress_hub_columns;
SET ROLE regress_hub_columns;
SELECT cmodel_hub_get('hs_ns', 'staff_preferences', 'staff:2', 'pager_number');
RESET ROLE;
ALTER TABLE hs_ns.cmodel_hubs ENABLE ROW LEVEL SECURITY;
CREATE POLICY hs_only_staff_1 ON hs_ns.cmodel_hubs FOR SELECT TO regress_hub_reader
    USING (id = 'staff:1');
SET ROLE regress_hub_reader;
SELECT cmodel_hub_get('hs_ns', 'staff_preferences', 'staff:1', 'pager_number') AS policy_shows,
       cmodel_hub_get('hs_ns', 'staff_preferences', 'staff:2', 'pager_number') IS NULL AS policy_hides,
       cmodel_hub_read('hs_ns', 'staff_preferences', 'staff:2') IS NULL AS policy_hides_hub;
RESET ROLE;
DROP POLICY hs_only_staff_1 ON hs_ns.cmodel_hubs;
ALTER TABLE hs_ns.cmodel_hubs DISABLE ROW LEVEL SECURITY;

-- a NULL key is NOT NULL's to refuse, even with an oversize value
INSERT INTO hs_ns.cmodel_hubs VALUES (NULL, 'x', cmodel.hub_set(NULL, 'a', repeat('x', 1048577)));
INSERT INTO hs_ns.cmodel_hubs (type, id) VALUES ('t', NULL);
-- a store dropped with break-glass and made again by registering the
-- namespace: this session's reads find the new one
SET cmodel.allow_destructive_ddl = on;
DROP TABLE hs_ns.cmodel_hubs;
RESET cmodel.allow_destructive_ddl;
SELECT cmodel_hub_get('hs_ns', 'staff_preferences', 'staff:2', 'pager_number');
SELECT cmodel_create_namespace('hs_ns');
SELECT cmodel_hub_set('hs_ns', 'staff_preferences', 'staff:2', 'pager_number', '555-0000');
SELECT cmodel_hub_get('hs_ns', 'staff_preferences', 'staff:2', 'pager_number') AS new_store,
       cmodel_hub_has('hs_ns', 'staff_preferences', 'staff:2', 'visits') AS old_attribute;
-- a schema whose cmodel_hubs is something else cannot become a namespace
CREATE SCHEMA hs_bad;
CREATE TABLE hs_bad.cmodel_hubs (type text, id text, attrs integer, PRIMARY KEY (type, id));
SELECT cmodel_create_namespace('hs_bad');
SELECT count(*) AS registered FROM cmodel.namespaces WHERE namespace = 'hs_bad';
DROP SCHEMA hs_bad CASCADE;

-- while a store exists, removing the extension would take its hub column:
-- PostgreSQL refuses, even with break-glass
SET cmodel.allow_destructive_ddl = on;
DROP EXTENSION cmodel;
\set ON_ERROR_STOP 1

-- cleanup
SET client_min_messages = warning;
DROP SCHEMA hs_ns CASCADE;
DROP EXTENSION cmodel;
RESET client_min_messages;
DROP ROLE regress_hub_reader, regress_hub_stranger, regress_hub_columns;
