--
-- parallel_labels: every function's labels are true.  Under
-- force_parallel_mode (and parallel costs of zero, so plans really go
-- parallel) every SQL-callable function of cmodel is called inside a query,
-- with arguments that reach its subtransactions and snapshots: descriptors
-- with field defaults and index conditions (their values are checked in
-- subtransactions), previews whose cascade rules are not cached yet in the
-- session (they are built from the latest snapshot).  The PARALLEL SAFE
-- functions run in parallel workers over a table scan.  The trigger and
-- event-trigger functions run through INSERT, UPDATE, DELETE, TRUNCATE and
-- DDL under the same settings.  A function labelled PARALLEL SAFE or
-- RESTRICTED that cannot run in a parallel operation fails here.
--
CREATE EXTENSION cmodel;
\set VERBOSITY default
\set SHOW_CONTEXT never

-- every function of the extension with its labels: a new function or a
-- changed label shows up here
SELECT p.oid::pg_catalog.regprocedure AS function, p.provolatile AS volatility,
       p.proisstrict AS strict, p.proparallel AS parallel
  FROM pg_catalog.pg_proc p
  JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objid = p.oid
 WHERE d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass AND d.deptype = 'e'
   AND d.refobjid = (SELECT oid FROM pg_catalog.pg_extension WHERE extname = 'cmodel')
 ORDER BY p.oid::pg_catalog.regprocedure::text COLLATE "C";

-- the settings, again after each \c; without the leader, whatever runs
-- below a Gather runs in a worker (the tables scanned in parallel are never
-- vacuumed, so the planner sizes them alike on every run)
\set parallel_on 'SET force_parallel_mode = on; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0; SET max_parallel_workers_per_gather = 2; SET parallel_leader_participation = off;'
:parallel_on

CREATE TABLE public.pl_staff (dbid bigint PRIMARY KEY, name text);
CREATE TABLE public.pl_names (namespace text, model text) WITH (autovacuum_enabled = off);
INSERT INTO public.pl_names VALUES ('pl_ns', NULL), ('pl_plug', NULL);
-- a plain query over a table goes parallel
EXPLAIN (COSTS OFF) SELECT * FROM public.pl_names;

-- namespaces and a core model
SELECT n.namespace, cmodel_create_namespace(n.namespace) FROM public.pl_names n ORDER BY n.namespace COLLATE "C";
SELECT cmodel_register_core_model('PlStaff', 'public.pl_staff', 'dbid');

-- descriptors with field defaults and index conditions: the plans check
-- each value against its column type
\set item '{"name": "Item", "fields": [{"name": "label", "type": "TextField", "default": "none"}, {"name": "size", "type": "IntegerField", "default": 7}, {"name": "staff", "type": "ForeignKey", "to": "PlStaff", "on_delete": "CASCADE", "related_name": "pl_ns_items"}, {"name": "touched", "type": "DateTimeField", "auto_now": true}], "meta": {"indexes": [{"fields": ["size"], "name": "big", "condition": {"size__gte": 10, "label__in": ["a", "b"]}}]}}'
\set part '{"name": "Part", "fields": [{"name": "item", "type": "ForeignKey", "to": "Item", "on_delete": "CASCADE"}, {"name": "spare", "type": "ForeignKey", "to": "Item", "on_delete": "SET_NULL", "related_name": "spares"}, {"name": "n", "type": "IntegerField", "default": 1}], "meta": {"indexes": [{"fields": ["n"], "name": "counted", "condition": {"n__gt": 0}}]}}'
\set doc '{"name": "Doc", "fields": [{"name": "title", "type": "CharField", "max_length": 20, "default": "untitled"}, {"name": "price", "type": "DecimalField", "max_digits": 5, "decimal_places": 2, "default": "1.50"}], "meta": {"indexes": [{"fields": ["price"], "name": "cheap", "condition": {"price__lt": "10.00"}}]}}'
\set memo '{"name": "Memo", "fields": [{"name": "day", "type": "DateField", "default": "2024-01-31"}, {"name": "doc", "type": "ForeignKey", "to": "Doc", "on_delete": "CASCADE"}], "meta": {"indexes": [{"fields": ["day"], "name": "recent", "condition": {"day__gte": "2024-01-01"}}]}}'

-- plans: json, text and jsonb, one model and a set
SELECT action, object, statement FROM cmodel_plan_model('pl_ns', (:'item')::json)
 ORDER BY action COLLATE "C", object COLLATE "C";
SELECT count(*) AS text_actions FROM cmodel_plan_model('pl_ns', :'item');
SELECT count(*) AS jsonb_actions FROM cmodel_plan_model('pl_ns', (:'item')::jsonb);
SELECT action, object FROM cmodel_plan_models('pl_plug', ('[' || :'doc' || ',' || :'memo' || ']')::json, 'pl_plugin')
 ORDER BY action COLLATE "C", object COLLATE "C";
SELECT count(*) AS text_actions FROM cmodel_plan_models('pl_plug', '[' || :'doc' || ',' || :'memo' || ']');
SELECT count(*) AS jsonb_actions FROM cmodel_plan_models('pl_plug', ('[' || :'doc' || ',' || :'memo' || ']')::jsonb, 'pl_plugin');
-- a plan over a table, once per row
CREATE TABLE public.pl_descriptors (namespace text, descriptor jsonb) WITH (autovacuum_enabled = off);
INSERT INTO public.pl_descriptors VALUES ('pl_ns', :'item'), ('pl_plug', :'doc');
SELECT d.namespace, d.descriptor->>'name' AS model,
       (SELECT count(*) FROM cmodel_plan_model(d.namespace, d.descriptor)) AS actions
  FROM public.pl_descriptors d ORDER BY d.namespace COLLATE "C";
-- error: a default that is not of the column type (checked the same way)
SELECT * FROM cmodel_plan_model('pl_ns', '{"name": "Bad", "fields": [{"name": "n", "type": "IntegerField", "default": "abc"}]}');

-- registration: json, text and jsonb, one model and a set
SELECT action, object FROM cmodel_register_model('pl_ns', (:'item')::json)
 ORDER BY action COLLATE "C", object COLLATE "C";
SELECT action, object FROM cmodel_register_model('pl_ns', :'part')
 ORDER BY action COLLATE "C", object COLLATE "C";
-- an added field with a default, a changed default, a new conditional index
SELECT action, object, statement FROM cmodel_register_model('pl_ns', '{"name": "Item", "fields": [{"name": "label", "type": "TextField", "default": "none"}, {"name": "size", "type": "IntegerField", "default": 8}, {"name": "staff", "type": "ForeignKey", "to": "PlStaff", "on_delete": "CASCADE", "related_name": "pl_ns_items"}, {"name": "touched", "type": "DateTimeField", "auto_now": true}, {"name": "note", "type": "TextField", "default": "n/a"}], "meta": {"indexes": [{"fields": ["size"], "name": "big", "condition": {"size__gte": 10, "label__in": ["a", "b"]}}, {"fields": ["note"], "name": "noted", "condition": {"note__isnull": false}}]}}'::jsonb)
 ORDER BY action COLLATE "C", object COLLATE "C";
SELECT action, object FROM cmodel_register_models('pl_plug', ('[' || :'doc' || ']')::json, 'pl_plugin')
 ORDER BY action COLLATE "C", object COLLATE "C";
SELECT action, object FROM cmodel_register_models('pl_plug', '[' || :'memo' || ']')
 ORDER BY action COLLATE "C", object COLLATE "C";
SELECT action, object FROM cmodel_register_models('pl_plug', ('[' || :'doc' || ',' || :'memo' || ']')::jsonb, 'pl_plugin')
 ORDER BY action COLLATE "C", object COLLATE "C";
SELECT action, object FROM cmodel_register_models('pl_plug', ('[' || :'doc' || ',' || :'memo' || ']')::json, 'pl_plugin')
 ORDER BY action COLLATE "C", object COLLATE "C";
-- plans of registered models: a changed default and a new condition are
-- checked too
\set doc2 '{"name": "Doc", "fields": [{"name": "title", "type": "CharField", "max_length": 20, "default": "untitled"}, {"name": "price", "type": "DecimalField", "max_digits": 5, "decimal_places": 2, "default": "2.25"}], "meta": {"indexes": [{"fields": ["price"], "name": "cheap", "condition": {"price__lt": "10.00"}}, {"fields": ["title"], "name": "pricey", "condition": {"price__gt": "100.00"}}]}}'
SELECT action, object, statement FROM cmodel_plan_models('pl_plug', '[' || :'doc2' || ',' || :'memo' || ']', 'pl_plugin')
 ORDER BY action COLLATE "C", object COLLATE "C";

-- the PARALLEL SAFE functions run in a worker, over a table scan
UPDATE public.pl_names SET model = 'Item' WHERE namespace = 'pl_ns';
UPDATE public.pl_names SET model = 'Doc' WHERE namespace = 'pl_plug';
EXPLAIN (COSTS OFF, VERBOSE)
SELECT n.model, cmodel_describe_model(n.namespace, n.model) FROM public.pl_names n;
SELECT n.model, cmodel_describe_model(n.namespace, n.model) = m.descriptor AS described
  FROM public.pl_names n JOIN cmodel.reg_model m ON m.namespace = n.namespace AND m.name = n.model
 ORDER BY n.model COLLATE "C";
SELECT n.model, jsonb_array_length(cmodel_describe_model(n.namespace, n.model)->'fields') AS fields
  FROM public.pl_names n ORDER BY n.model COLLATE "C";
-- error: a model that is not registered, reported from the worker
SELECT cmodel_describe_model(n.namespace, 'Nope') FROM public.pl_names n WHERE n.namespace = 'pl_ns';
CREATE TABLE public.pl_sets (plugin text, descriptors json) WITH (autovacuum_enabled = off);
INSERT INTO public.pl_sets VALUES
    ('pl_plugin', ('[' || :'doc' || ',' || :'memo' || ']')::json),
    ('pl_plugin', ('[' || :'doc' || ']')::json),
    ('pl_other', ('[' || :'doc' || ',' || :'memo' || ']')::json);
EXPLAIN (COSTS OFF, VERBOSE)
SELECT cmodel_namespace_ready('pl_plug', s.plugin, cmodel_models_hash(s.descriptors)) FROM public.pl_sets s;
SELECT s.plugin, json_array_length(s.descriptors) AS models,
       cmodel_models_hash(s.descriptors) = md5(s.descriptors::jsonb::text) AS hash_ok,
       cmodel_namespace_ready('pl_plug', s.plugin, cmodel_models_hash(s.descriptors)) AS ready
  FROM public.pl_sets s ORDER BY s.plugin COLLATE "C", models;
-- the described descriptors registered and planned again: nothing to do
SELECT n.model, (SELECT count(*) FROM cmodel_register_model(n.namespace, cmodel_describe_model(n.namespace, n.model))) AS actions
  FROM public.pl_names n ORDER BY n.model COLLATE "C";
SELECT count(*) AS actions
  FROM cmodel_plan_models('pl_plug', (SELECT jsonb_agg(cmodel_describe_model('pl_plug', m) ORDER BY m) FROM unnest(ARRAY['Doc', 'Memo']) m));

-- writes: cmodel_write (defaults, auto_now, the value limit, the row limit)
INSERT INTO public.pl_staff VALUES (1, 'ann'), (2, 'bob'), (3, 'cy');
INSERT INTO pl_ns.item (dbid, staff_id) VALUES (1, 1), (2, 1), (3, 2), (4, 3);
INSERT INTO pl_ns.part (item_id, spare_id) SELECT i.dbid, 4 FROM pl_ns.item i, generate_series(1, 2);
UPDATE pl_ns.item SET size = size + dbid WHERE dbid > 2;
SELECT dbid, label, size, note, touched IS NOT NULL AS touched FROM pl_ns.item ORDER BY dbid;
SELECT count(*) AS parts, sum(n) AS n FROM pl_ns.part;
INSERT INTO pl_plug.doc (dbid) VALUES (1);
INSERT INTO pl_plug.memo (doc_id) VALUES (1);
SELECT d.title, d.price, m.day FROM pl_plug.doc d JOIN pl_plug.memo m ON m.doc_id = d.dbid;
-- error: the value limit
UPDATE pl_ns.item SET label = repeat('x', 1048577) WHERE dbid = 1;
-- error: the row limit
SET cmodel.max_bulk_rows = 2;
INSERT INTO pl_ns.part (item_id) SELECT dbid FROM pl_ns.item;
RESET cmodel.max_bulk_rows;

-- the preview, in new sessions whose cascade rules are not cached yet:
-- the core table with its CASCADE child (and grandchild), then a model
-- table, per row of a table scan
\c
:parallel_on
SELECT (cmodel_delete_preview('public.pl_staff', ARRAY[1::bigint])).*;
\c
:parallel_on
SELECT i.dbid, p.total, p.per_model
  FROM pl_ns.item i, LATERAL cmodel_delete_preview('pl_ns.item', ARRAY[i.dbid]) p ORDER BY i.dbid;
SELECT * FROM cmodel_delete_preview('public.pl_staff', ARRAY[1, 2, 3]::bigint[]);
-- error: a NULL key array
SELECT * FROM cmodel_delete_preview('pl_ns.item', NULL::bigint[]);

-- delete and truncate: cmodel_on_delete and cmodel_on_truncate, from a
-- session whose rules are not cached yet either
\c
:parallel_on
DELETE FROM public.pl_staff WHERE dbid = 1;
SELECT (SELECT count(*) FROM pl_ns.item) AS items, (SELECT count(*) FROM pl_ns.part) AS parts,
       (SELECT count(*) FROM pl_ns.part WHERE spare_id IS NOT NULL) AS spares;
DELETE FROM pl_ns.item WHERE dbid = 4;
SELECT count(*) AS parts, count(spare_id) AS spares FROM pl_ns.part;
TRUNCATE pl_ns.item;
SELECT (SELECT count(*) FROM pl_ns.item) AS items, (SELECT count(*) FROM pl_ns.part) AS parts;
DELETE FROM pl_plug.doc;
SELECT count(*) AS memos FROM pl_plug.memo;

-- a core model moved to another table: cmodel.core_model_moved moves the
-- on_delete triggers (and, STRICT, is not called for NULLs)
CREATE TABLE public.pl_staff2 (dbid bigint PRIMARY KEY, name text);
SELECT cmodel_register_core_model('PlStaff', 'public.pl_staff2', 'dbid');
SELECT tgrelid::regclass AS tbl, tgname FROM pg_catalog.pg_trigger
 WHERE tgrelid IN ('public.pl_staff'::regclass, 'public.pl_staff2'::regclass)
 ORDER BY tgrelid::regclass::text COLLATE "C", tgname COLLATE "C";
SELECT cmodel.core_model_moved(NULL, NULL) IS NULL AS not_called;
INSERT INTO public.pl_staff2 VALUES (5, 'dee');
INSERT INTO pl_ns.item (dbid, staff_id) VALUES (5, 5);
DELETE FROM public.pl_staff2;
SELECT count(*) AS items FROM pl_ns.item;

-- DDL: the guard's event triggers, letting additive DDL through and
-- refusing destructive DDL
CREATE TYPE public.pl_mood AS ENUM ('calm', 'busy');
CREATE TABLE pl_ns.handmade (a integer);
ALTER TABLE pl_ns.handmade ADD COLUMN b text, ADD COLUMN mood public.pl_mood;
CREATE INDEX handmade_a ON pl_ns.handmade (a);
COMMENT ON TABLE pl_ns.handmade IS 'made by hand';
-- error: ddl_command_start refuses a drop
DROP TABLE pl_ns.item;
-- error: table_rewrite refuses a rewrite
ALTER TABLE pl_ns.handmade ADD COLUMN c double precision DEFAULT random();
-- error: sql_drop refuses a drop that reaches the namespace through CASCADE
DROP TYPE public.pl_mood CASCADE;
-- outside namespaces every guard lets DDL through
CREATE TABLE public.pl_other (a integer);
ALTER TABLE public.pl_other ALTER COLUMN a TYPE bigint;
DROP TABLE public.pl_other;
SELECT count(*) AS handmade_columns FROM pg_catalog.pg_attribute
 WHERE attrelid = 'pl_ns.handmade'::regclass AND attnum > 0 AND NOT attisdropped;

-- hub values: every function over a table scanned in workers (hub_each in
-- a lateral join), input and output through a text column
CREATE TABLE public.pl_hubs (t text) WITH (autovacuum_enabled = off);
INSERT INTO public.pl_hubs SELECT format('{"n": %s, "d": "2024-01-%s", "$types": {"d": "date"}}', g, lpad(g::text, 2, '0'))
  FROM generate_series(1, 9) g;
EXPLAIN (COSTS OFF, VERBOSE)
SELECT cmodel.hub_get(t::cmodel.hub, 'd', NULL::date) FROM public.pl_hubs;
SELECT count(*) AS hubs,
       sum(cmodel.hub_get(t::cmodel.hub, 'n', NULL::bigint)) AS n,
       max(cmodel.hub_get(t::cmodel.hub, 'd', NULL::date)) AS d,
       count(*) FILTER (WHERE cmodel.hub_has(t::cmodel.hub, 'd') AND cmodel.hub_type(t::cmodel.hub, 'd') = 'date') AS dates,
       count(*) FILTER (WHERE cmodel.hub_get(t::cmodel.hub, 'n') = to_jsonb(cmodel.hub_get(t::cmodel.hub, 'n', NULL::bigint))) AS same,
       max(((cmodel.hub_set(t::cmodel.hub, 'x', 1.5) || cmodel.hub_merge(NULL, t::cmodel.hub)) - 'n')::text) AS changed,
       max(cmodel.hub(t::jsonb)::text) AS cast_fn,
       sum((SELECT count(*) FROM cmodel.hub_each(t::cmodel.hub))) AS attributes,
       max(cmodel.hub_set(t::cmodel.hub, 'k', 'v'::text)::text) AS text_set,
       count(*) FILTER (WHERE t::cmodel.hub @@ cmodel.hub_query('n', '>=', 5)) AS found,
       count(*) FILTER (WHERE cmodel.hub_match(t::cmodel.hub, cmodel.hub_between('d', date '2024-01-02', date '2024-01-04'))) AS between,
       count(*) FILTER (WHERE t::cmodel.hub @@ cmodel.hub_query('d', '=', '2024-01-01'::text)) AS off_type,
       max(('{"attr": "n", "eq": ' || (t::jsonb->>'n') || '}')::cmodel.hubquery::text) AS query_text
  FROM public.pl_hubs;
-- the hub store functions, over a table scanned in workers: the readers
-- (PARALLEL RESTRICTED) run in the leader above the Gather, the writers
-- (UNSAFE) keep their query serial
SELECT namespace, (cmodel_hub_get_or_create(namespace, 't', 'x')).created FROM public.pl_names ORDER BY 1;
SELECT namespace, cmodel_hub_set(namespace, 't', 'x', 'a', 1), cmodel_hub_set(namespace, 't', 'x', 'b', 'v'),
       cmodel_hub_set_many(namespace, 't', 'x', '{"c": 2}')
  FROM public.pl_names ORDER BY 1;
SELECT namespace, cmodel_hub_get(namespace, 't', 'x', 'a') AS a, cmodel_hub_get(namespace, 't', 'x', 'c', NULL::bigint) AS c,
       cmodel_hub_has(namespace, 't', 'x', 'b') AS has_b, cmodel_hub_read(namespace, 't', 'x')::text AS hub,
       (SELECT count(*) FROM cmodel_hub_attributes(namespace, 't', 'x')) AS attributes,
       (SELECT count(*) FROM cmodel_hub_read_many(namespace, 't', ARRAY['x', 'y'])) AS read_many,
       (SELECT count(*) FROM cmodel_hub_find(namespace, cmodel.hub_query('a', '=', 1))) AS found
  FROM public.pl_names ORDER BY 1;
SELECT namespace, cmodel_hub_delete_attribute(namespace, 't', 'x', 'b') AS attribute_deleted,
       cmodel_hub_delete(namespace, 't', 'x') AS hub_deleted
  FROM public.pl_names ORDER BY 1;
-- a new session's first hub read, in a query with a Gather, finds its
-- namespace in the registry without a new snapshot
\c
SET force_parallel_mode = on;
SELECT namespace, cmodel_hub_get(namespace, 't', 'x', 'a') AS a FROM public.pl_names ORDER BY 1;
RESET force_parallel_mode;

-- the hub index's support functions run inside index builds and scans
CREATE INDEX pl_hubs_idx ON public.pl_hubs USING gin ((t::cmodel.hub));
SET enable_seqscan = off;
SELECT count(*) AS indexed_found FROM public.pl_hubs WHERE t::cmodel.hub @@ cmodel.hub_between('n', 2, 4);
RESET enable_seqscan;
DROP INDEX public.pl_hubs_idx;

-- cleanup
RESET force_parallel_mode;
SET cmodel.allow_destructive_ddl = on;
SET client_min_messages TO warning;
DROP SCHEMA pl_ns, pl_plug CASCADE;
DROP EXTENSION cmodel;
DROP TABLE public.pl_staff, public.pl_staff2, public.pl_names, public.pl_descriptors, public.pl_sets, public.pl_hubs;
DROP TYPE public.pl_mood;
