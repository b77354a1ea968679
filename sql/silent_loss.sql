--
-- silent_loss: routes by which plugin data or a guarantee used to vanish
-- without an error.  Each case shows the refusal and that the data, the
-- trigger or the rule is still there afterwards.
--
CREATE EXTENSION cmodel;
\set VERBOSITY default
\set SHOW_CONTEXT never

CREATE TABLE public.sl_staff (dbid bigint PRIMARY KEY, name text);
INSERT INTO public.sl_staff VALUES (1, 'Ada'), (2, 'Grace');
SELECT cmodel_register_core_model('SlStaff', 'public.sl_staff', 'dbid');
SELECT count(*) FROM cmodel_register_models('sl_ns', '[
  {"name": "Note", "fields": [{"name": "body", "type": "TextField", "null": true},
                              {"name": "n", "type": "IntegerField", "null": true},
                              {"name": "author", "type": "ForeignKey", "to": "SlStaff", "on_delete": "CASCADE", "related_name": "sl_ns_notes"}]},
  {"name": "Stamp", "fields": [{"name": "n", "type": "IntegerField", "null": true},
                               {"name": "at", "type": "DateTimeField", "auto_now": true, "null": true}]}
]');
INSERT INTO sl_ns.note (body, n, author_id) VALUES ('first', 1, 1), ('second', 2, 2);

-- 1. nothing of a namespace may depend on a temporary object
CREATE TEMPORARY TABLE sl_tmp (a integer);
CREATE TYPE pg_temp.sl_tmood AS ENUM ('a', 'b');
CREATE DOMAIN pg_temp.sl_tcount AS integer;
CREATE TYPE public.sl_wraps AS (m pg_temp.sl_tmood);
CREATE FUNCTION pg_temp.sl_tf(integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT $1';
CREATE COLLATION pg_temp.sl_tcoll (provider = libc, locale = 'C');
ALTER TABLE sl_ns.note ADD COLUMN t1 sl_tmood;
ALTER TABLE sl_ns.note ADD COLUMN t2 pg_temp.sl_tcount[];
ALTER TABLE sl_ns.note ADD COLUMN t3 sl_tmp;
ALTER TABLE sl_ns.note ADD COLUMN t4 public.sl_wraps;
ALTER TABLE sl_ns.note ADD COLUMN t5 integer DEFAULT pg_temp.sl_tf(1);
ALTER TABLE sl_ns.note ADD COLUMN t6 text COLLATE pg_temp.sl_tcoll;
ALTER TABLE sl_ns.note ADD COLUMN t7 integer DEFAULT 1::sl_tcount;
CREATE INDEX sl_tidx ON sl_ns.note (pg_temp.sl_tf(n));
CREATE INDEX sl_tidx ON sl_ns.note (n) WHERE pg_temp.sl_tf(n) > 0;
CREATE TABLE sl_ns.hand_temp (a sl_tmood);
CREATE TABLE sl_ns.hand_temp (LIKE sl_tmp);
-- CREATE TABLE AS and SELECT INTO, whose columns only exist once they ran
CREATE TABLE sl_ns.hand_ctas AS SELECT 'a'::pg_temp.sl_tmood AS m, 1 AS k;
SELECT 'b'::pg_temp.sl_tmood AS m, 2 AS k INTO sl_ns.hand_into;
CREATE TABLE sl_ns.hand_ctas AS SELECT t, 3 AS k FROM sl_tmp t;
CREATE TABLE sl_ns.hand_ctas (m, k) AS VALUES ('a'::pg_temp.sl_tmood, 4);
SELECT count(*) AS made FROM pg_class WHERE relname IN ('hand_ctas', 'hand_into');
CREATE TYPE public.sl_later AS (x integer);
ALTER TABLE sl_ns.note ADD COLUMN t8 public.sl_later;
ALTER TYPE public.sl_later ADD ATTRIBUTE y pg_temp.sl_tmood;
CREATE FUNCTION pg_temp.sl_ttrig() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
CREATE TRIGGER a_temp BEFORE INSERT ON sl_ns.note FOR EACH ROW EXECUTE FUNCTION pg_temp.sl_ttrig();
-- what the statement's text hides: a permanent function whose SQL body
-- calls a temporary one, regclass and regtype constants, a cast made of a
-- temporary function
CREATE FUNCTION public.sl_wrapf(integer) RETURNS integer LANGUAGE sql IMMUTABLE RETURN pg_temp.sl_tf($1);
CREATE UNIQUE INDEX sl_widx ON sl_ns.note (public.sl_wrapf(n));
ALTER TABLE sl_ns.note ADD COLUMN w1 integer DEFAULT public.sl_wrapf(7);
ALTER TABLE sl_ns.note ADD COLUMN w2 regclass DEFAULT 'sl_tmp'::regclass;
ALTER TABLE sl_ns.note ADD COLUMN w3 regtype DEFAULT 'pg_temp.sl_tmood'::regtype;
CREATE INDEX sl_widx ON sl_ns.note (n) WHERE 'sl_tmp'::regclass IS NOT NULL;
CREATE TYPE public.sl_wrapt AS (v integer);
CREATE FUNCTION pg_temp.sl_mk(integer) RETURNS public.sl_wrapt LANGUAGE sql IMMUTABLE AS 'SELECT ROW($1)::public.sl_wrapt';
CREATE CAST (integer AS public.sl_wrapt) WITH FUNCTION pg_temp.sl_mk(integer) AS IMPLICIT;
ALTER TABLE sl_ns.note ADD COLUMN w4 public.sl_wrapt DEFAULT 5;
DROP CAST (integer AS public.sl_wrapt);
DROP FUNCTION pg_temp.sl_mk(integer);
DROP TYPE public.sl_wrapt;
DROP FUNCTION public.sl_wrapf(integer);
SELECT count(*) AS indexes FROM pg_index WHERE indrelid = 'sl_ns.note'::regclass;
CREATE TABLE public.sl_rowtype (a integer);
ALTER TABLE sl_ns.note ADD COLUMN t9 public.sl_rowtype;
ALTER TABLE public.sl_rowtype ADD COLUMN c pg_temp.sl_tmood;
-- the same with permanent objects passes, and survives the session's end
ALTER TYPE public.sl_later ADD ATTRIBUTE y integer;
SELECT attname FROM pg_attribute WHERE attrelid = 'sl_ns.note'::regclass AND attnum > 0 ORDER BY attnum;
DROP TYPE public.sl_wraps;
DISCARD TEMP;

-- 2. cmodel's triggers through an extension dependency
CREATE EXTENSION hstore;
ALTER TRIGGER cmodel_on_delete ON public.sl_staff DEPENDS ON EXTENSION hstore;
ALTER TRIGGER cmodel_write ON sl_ns.note DEPENDS ON EXTENSION hstore;
ALTER TRIGGER cmodel_on_delete ON public.sl_staff NO DEPENDS ON EXTENSION hstore;
-- a dependency recorded behind the guard's back: the drop is refused
SET allow_system_table_mods = on;
INSERT INTO pg_depend
  SELECT 'pg_trigger'::regclass, t.oid, 0, 'pg_extension'::regclass, e.oid, 0, 'x'
    FROM pg_trigger t, pg_extension e
   WHERE t.tgrelid = 'public.sl_staff'::regclass AND t.tgname = 'cmodel_on_delete'
     AND e.extname = 'hstore';
RESET allow_system_table_mods;
DROP EXTENSION hstore;
SELECT tgname FROM pg_trigger WHERE tgrelid = 'public.sl_staff'::regclass ORDER BY 1;
DELETE FROM pg_depend WHERE classid = 'pg_trigger'::regclass AND deptype = 'x'
   AND objid IN (SELECT oid FROM pg_trigger WHERE tgrelid = 'public.sl_staff'::regclass);
DROP EXTENSION hstore;

-- 3. constraints copied by CREATE TABLE ... (LIKE ...)
CREATE TABLE public.sl_checked (a integer CHECK (a > 0), b int4range,
                                EXCLUDE USING gist (b WITH &&));
CREATE TABLE sl_ns.hand_like (LIKE public.sl_checked INCLUDING CONSTRAINTS);
CREATE TABLE sl_ns.hand_like (LIKE public.sl_checked INCLUDING INDEXES);
CREATE TABLE sl_ns.hand_like (LIKE public.sl_checked INCLUDING ALL);
CREATE TABLE sl_ns.hand_like (LIKE public.sl_checked INCLUDING ALL EXCLUDING CONSTRAINTS EXCLUDING INDEXES);
SELECT conname FROM pg_constraint WHERE conrelid = 'sl_ns.hand_like'::regclass;

-- 4. a core table relations point at with CASCADE
CREATE TABLE public.sl_staff_child () INHERITS (public.sl_staff);
CREATE TABLE public.sl_other (dbid bigint, name text);
ALTER TABLE public.sl_other INHERIT public.sl_staff;
ALTER TABLE public.sl_staff SET UNLOGGED;
-- nor may it become a child or a partition: a DELETE through the parent
-- would skip its on_delete
CREATE TABLE public.sl_staff_base (dbid bigint, name text);
ALTER TABLE public.sl_staff INHERIT public.sl_staff_base;
CREATE TABLE public.sl_staff_parts (dbid bigint NOT NULL, name text) PARTITION BY RANGE (dbid);
ALTER TABLE public.sl_staff_parts ATTACH PARTITION public.sl_staff FOR VALUES FROM (0) TO (1000);
DROP TABLE public.sl_staff_base, public.sl_staff_parts;
-- nor lose the unique index its key relies on, or the key column
ALTER TABLE public.sl_staff DROP CONSTRAINT sl_staff_pkey;
DROP INDEX public.sl_staff_pkey;
ALTER TABLE public.sl_staff DROP COLUMN dbid;
-- another unique index on the key lets the first one go
CREATE UNIQUE INDEX sl_staff_dbid_again ON public.sl_staff (dbid);
ALTER TABLE public.sl_staff DROP CONSTRAINT sl_staff_pkey;
DROP INDEX public.sl_staff_dbid_again;
-- and an unlogged table cannot become a core model
CREATE UNLOGGED TABLE public.sl_unlogged (dbid bigint PRIMARY KEY);
SELECT cmodel_register_core_model('SlUnlogged', 'public.sl_unlogged', 'dbid');
DROP TABLE public.sl_unlogged;
DROP TABLE public.sl_staff;
DROP TABLE public.sl_staff CASCADE;
CREATE SCHEMA sl_core;
CREATE TABLE sl_core.staff (dbid bigint PRIMARY KEY);
SELECT cmodel_register_core_model('SlCoreStaff', 'sl_core.staff', 'dbid');
SELECT count(*) FROM cmodel_register_models('sl_ns2', '[
  {"name": "Pin", "fields": [{"name": "staff", "type": "ForeignKey", "to": "SlCoreStaff", "on_delete": "SET_NULL", "null": true, "related_name": "sl_ns2_pins"}]}]');
DROP SCHEMA sl_core CASCADE;
-- ordinary DDL on the core table still passes
ALTER TABLE public.sl_staff ADD COLUMN email text;
CREATE INDEX sl_staff_name ON public.sl_staff (name);
-- a core table only DO_NOTHING relations point at has no on_delete to lose
CREATE TABLE public.sl_free (dbid bigint PRIMARY KEY);
SELECT cmodel_register_core_model('SlFree', 'public.sl_free', 'dbid');
SELECT count(*) FROM cmodel_register_models('sl_ns2', '[
  {"name": "Pin", "fields": [{"name": "staff", "type": "ForeignKey", "to": "SlCoreStaff", "on_delete": "SET_NULL", "null": true, "related_name": "sl_ns2_pins"}]},
  {"name": "Loose", "fields": [{"name": "free", "type": "ForeignKey", "to": "SlFree", "on_delete": "DO_NOTHING", "related_name": "sl_ns2_loose"}]}]');
ALTER TABLE public.sl_free SET UNLOGGED;
ALTER TABLE public.sl_free SET LOGGED;

-- cmodel's own functions keep their settings, names, schema and owner
ALTER FUNCTION cmodel.on_write() SET cmodel.max_bulk_rows = 0;
ALTER FUNCTION cmodel.on_delete() RENAME TO on_delete2;
ALTER FUNCTION cmodel.on_truncate() SET SCHEMA public;
ALTER FUNCTION cmodel.hub_get(cmodel.hub, text) OWNER TO CURRENT_USER;
SELECT count(*) AS configured FROM pg_proc WHERE pronamespace = 'cmodel'::regnamespace AND proconfig IS NOT NULL;

-- 5. the row limit counts per statement and table, across WITH queries
SET cmodel.max_bulk_rows = 3;
WITH a AS (INSERT INTO sl_ns.note (n, author_id) SELECT g, 1 FROM generate_series(1, 2) g RETURNING 1),
     b AS (INSERT INTO sl_ns.note (n, author_id) SELECT g, 1 FROM generate_series(1, 2) g RETURNING 1)
SELECT count(*) FROM (SELECT * FROM a UNION ALL SELECT * FROM b) x;
WITH a AS (INSERT INTO sl_ns.note (n, author_id) SELECT g, 1 FROM generate_series(1, 2) g RETURNING 1),
     b AS (INSERT INTO sl_ns.stamp (n) SELECT g FROM generate_series(1, 2) g RETURNING 1)
SELECT count(*) FROM (SELECT * FROM a UNION ALL SELECT * FROM b) x;
-- a function inserting per row is a statement of its own each time
CREATE FUNCTION public.sl_add(k int) RETURNS int LANGUAGE sql AS
  'INSERT INTO sl_ns.stamp (n) VALUES (k) RETURNING n';
SELECT count(public.sl_add(g)) FROM generate_series(1, 5) g;
-- a rule's actions are parts of the statement that fired it: one count,
-- from a client and from a function
CREATE TABLE public.sl_feed (n int);
CREATE RULE sl_fan AS ON INSERT TO public.sl_feed DO ALSO
  (INSERT INTO sl_ns.stamp (n) VALUES (NEW.n); INSERT INTO sl_ns.stamp (n) VALUES (NEW.n + 100));
INSERT INTO public.sl_feed SELECT g FROM generate_series(1, 2) g;
DO $$ BEGIN INSERT INTO public.sl_feed SELECT g FROM generate_series(1, 2) g; END $$;
PREPARE sl_feed_two AS INSERT INTO public.sl_feed SELECT g FROM generate_series(1, 2) g;
EXECUTE sl_feed_two;
DEALLOCATE sl_feed_two;
CREATE FUNCTION public.sl_feed_two() RETURNS void LANGUAGE sql AS
  'INSERT INTO public.sl_feed SELECT g FROM generate_series(1, 2) g';
SELECT public.sl_feed_two();
DROP FUNCTION public.sl_feed_two();
INSERT INTO public.sl_feed VALUES (1);
INSERT INTO public.sl_feed VALUES (1) \; INSERT INTO public.sl_feed VALUES (2);
DO $$ BEGIN FOR i IN 1..3 LOOP INSERT INTO public.sl_feed VALUES (i); END LOOP; END $$;
SELECT count(*) AS stamps FROM sl_ns.stamp;
DROP TABLE public.sl_feed;
-- a WITH query the main query does not read runs at the statement's end and
-- counts with it, also when the statement is the one that loads cmodel
\c
SET cmodel.max_bulk_rows = 3;
WITH a AS (INSERT INTO sl_ns.stamp (n) SELECT g FROM generate_series(1, 2) g RETURNING 1),
     b AS (INSERT INTO sl_ns.stamp (n) SELECT g FROM generate_series(1, 2) g RETURNING 1)
SELECT count(*) FROM a;
WITH a AS (INSERT INTO sl_ns.stamp (n) SELECT g FROM generate_series(1, 2) g RETURNING 1),
     b AS (INSERT INTO sl_ns.stamp (n) SELECT g FROM generate_series(1, 2) g RETURNING 1)
SELECT count(*) FROM a;
\set VERBOSITY default
\set SHOW_CONTEXT never
SELECT count(*) AS stamps FROM sl_ns.stamp;
RESET cmodel.max_bulk_rows;
DELETE FROM sl_ns.note WHERE n IS NOT NULL AND body IS NULL;
DELETE FROM sl_ns.stamp;

-- 6. the registry
CREATE FUNCTION public.sl_swallow() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NULL; END';
CREATE TRIGGER sl_swallow BEFORE INSERT ON cmodel.reg_model FOR EACH ROW EXECUTE FUNCTION public.sl_swallow();
CREATE RULE sl_swallow AS ON INSERT TO cmodel.reg_field DO INSTEAD NOTHING;
CREATE POLICY sl_hide ON cmodel.reg_model USING (false);
ALTER TABLE cmodel.reg_model ENABLE ROW LEVEL SECURITY;
CREATE INDEX sl_reg ON cmodel.reg_model ((namespace || 'x'));
ALTER TABLE cmodel.reg_namespace RENAME TO reg_namespace_old;
-- the guard fails closed when its registry is gone
SET cmodel.allow_destructive_ddl = on;
ALTER TABLE cmodel.reg_namespace RENAME TO reg_namespace_old;
RESET cmodel.allow_destructive_ddl;
ALTER TABLE sl_ns.note DROP COLUMN body;
CREATE TABLE public.sl_elsewhere (a int);
SET cmodel.allow_destructive_ddl = on;
ALTER TABLE cmodel.reg_namespace_old RENAME TO reg_namespace;
RESET cmodel.allow_destructive_ddl;
ALTER TABLE sl_ns.note DROP COLUMN body;
-- rows of the registry change only through cmodel: not by DELETE, UPDATE
-- or TRUNCATE, not from a function, not in replica mode
SELECT count(*) AS models FROM cmodel.reg_model WHERE namespace = 'sl_ns';
DELETE FROM cmodel.reg_model WHERE namespace = 'sl_ns';
DELETE FROM cmodel.reg_namespace;
UPDATE cmodel.reg_namespace SET namespace = 'sl_gone' WHERE namespace = 'sl_ns';
TRUNCATE cmodel.reg_field;
TRUNCATE cmodel.reg_namespace CASCADE;
INSERT INTO cmodel.reg_applied SELECT namespace, 'sl_fake', generation FROM cmodel.reg_namespace;
DO $$ BEGIN DELETE FROM cmodel.reg_relation; END $$;
SET session_replication_role = replica;
DELETE FROM cmodel.reg_index;
RESET session_replication_role;
-- nor can the lock go: its triggers are cmodel's
DROP TRIGGER cmodel_registry_lock ON cmodel.reg_model;
ALTER TRIGGER cmodel_registry_lock ON cmodel.reg_model RENAME TO sl_lock;
ALTER TABLE cmodel.reg_model DISABLE TRIGGER cmodel_registry_lock;
ALTER TRIGGER cmodel_registry_lock ON cmodel.reg_model DEPENDS ON EXTENSION plpgsql;
CREATE OR REPLACE FUNCTION cmodel.registry_lock() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NULL; END';
SELECT c.relname, t.tgenabled FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
 WHERE t.tgname = 'cmodel_registry_lock' ORDER BY c.relname COLLATE "C";
-- the registry is intact and cmodel's own writes go through
SELECT count(*) AS models FROM cmodel.reg_model WHERE namespace = 'sl_ns';
ALTER TABLE sl_ns.note DROP COLUMN body;
SELECT cmodel_grant_access('sl_ns', 'postgres', 'read');
SELECT cmodel_revoke_access('sl_ns', 'postgres');
-- break-glass lets a superuser repair it (and the server log says so)
SET cmodel.allow_destructive_ddl = on;
DELETE FROM cmodel.reg_applied WHERE call_hash = 'sl_none';
RESET cmodel.allow_destructive_ddl;

-- 7. types nested in namespace columns' types
CREATE TYPE public.sl_mood AS ENUM ('calm', 'busy');
CREATE TYPE public.sl_inner AS (mood public.sl_mood, score integer);
CREATE TYPE public.sl_outer AS (inner_part public.sl_inner, tags text[]);
ALTER TABLE sl_ns.note ADD COLUMN feeling public.sl_outer[];
UPDATE sl_ns.note SET feeling = ARRAY[ROW(ROW('calm', 5), '{a}')::public.sl_outer];
ALTER TYPE public.sl_inner DROP ATTRIBUTE score CASCADE;
ALTER TYPE public.sl_inner RENAME ATTRIBUTE score TO points;
ALTER TYPE public.sl_mood RENAME VALUE 'calm' TO 'quiet';
ALTER TYPE public.sl_outer DROP ATTRIBUTE tags;
SELECT feeling FROM sl_ns.note ORDER BY n;

-- 8. write-rule gaps
CREATE DOMAIN public.sl_text AS text;
CREATE DOMAIN public.sl_json AS jsonb;
ALTER TABLE sl_ns.note ADD COLUMN label public.sl_text, ADD COLUMN extra public.sl_json;
UPDATE sl_ns.note SET label = repeat('x', 1048577) WHERE n = 1;
UPDATE sl_ns.note SET extra = to_jsonb(repeat('x', 1048577)) WHERE n = 1;
UPDATE sl_ns.note SET label = repeat('x', 1048576) WHERE n = 1;
SELECT length(label) FROM sl_ns.note WHERE n = 1;
-- a hub column added to a model table is limited as its jsonb
ALTER TABLE sl_ns.note ADD COLUMN prefs cmodel.hub;
UPDATE sl_ns.note SET prefs = cmodel.hub_set(NULL::cmodel.hub, 'big', repeat('x', 1048577)) WHERE n = 1;
UPDATE sl_ns.note SET prefs = cmodel.hub_set(NULL::cmodel.hub, 'small', 'x') WHERE n = 1;
SELECT prefs FROM sl_ns.note WHERE n = 1;
-- arrays of text and JSON (their elements together), xml and string types
-- of extensions such as citext are limited too
CREATE EXTENSION citext;
CREATE DOMAIN public.sl_tags AS text[];
ALTER TABLE sl_ns.note ADD COLUMN tags public.sl_tags, ADD COLUMN docs jsonb[],
  ADD COLUMN page xml, ADD COLUMN nick citext;
UPDATE sl_ns.note SET tags = ARRAY[repeat('t', 600000), repeat('u', 448577)] WHERE n = 1;
UPDATE sl_ns.note SET docs = ARRAY[to_jsonb(repeat('d', 600000)), to_jsonb(repeat('e', 600000))] WHERE n = 1;
UPDATE sl_ns.note SET page = xmlelement(name p, repeat('p', 1048577)) WHERE n = 1;
UPDATE sl_ns.note SET nick = repeat('n', 1048577)::citext WHERE n = 1;
UPDATE sl_ns.note SET tags = ARRAY[repeat('t', 600000), repeat('u', 448576)],
  docs = ARRAY[NULL, to_jsonb(repeat('d', 600000))], page = xmlelement(name p, 'short'),
  nick = 'Nick' WHERE n = 1;
SELECT length(array_to_string(tags, '')) AS tag_chars, array_length(docs, 1) AS docs, page, nick
  FROM sl_ns.note WHERE n = 1;
UPDATE sl_ns.note SET tags = NULL, docs = NULL WHERE n = 1;
CREATE FUNCTION public.sl_grow() RETURNS trigger LANGUAGE plpgsql AS
  'BEGIN NEW.body := repeat(''y'', 1048577); RETURN NEW; END';
CREATE TRIGGER zz_grow BEFORE INSERT OR UPDATE ON sl_ns.note FOR EACH ROW EXECUTE FUNCTION public.sl_grow();
CREATE TRIGGER "Cmodel" BEFORE UPDATE ON sl_ns.note FOR EACH ROW EXECUTE FUNCTION public.sl_grow();
DROP TRIGGER "Cmodel" ON sl_ns.note;
CREATE TRIGGER a_grow BEFORE INSERT ON sl_ns.note FOR EACH ROW EXECUTE FUNCTION public.sl_grow();
ALTER TRIGGER a_grow ON sl_ns.note RENAME TO zz_grow;
ALTER TRIGGER a_grow ON sl_ns.note RENAME TO b_grow;
-- an AFTER trigger, or one on DELETE, may have any name
CREATE TRIGGER zz_after AFTER INSERT ON sl_ns.note FOR EACH ROW EXECUTE FUNCTION public.sl_grow();
INSERT INTO sl_ns.note (n, author_id) VALUES (9, 1);
DROP TRIGGER b_grow ON sl_ns.note;
DROP TRIGGER zz_after ON sl_ns.note;
-- a default longer than the value limit
SELECT count(*) FROM cmodel_register_models('sl_ns3', format('[{"name": "Big", "fields": [{"name": "t", "type": "TextField", "default": %s}]}]',
       to_json(repeat('é', 1048577)))::json);
SELECT count(*) FROM cmodel_register_models('sl_ns3', format('[{"name": "Big", "fields": [{"name": "j", "type": "JSONField", "default": {"k": %s}}]}]',
       to_json(repeat('a', 1048570)))::json);
SELECT count(*) FROM cmodel_register_models('sl_ns3', format('[{"name": "Big", "fields": [{"name": "t", "type": "TextField", "default": %s}]}]',
       to_json(repeat('é', 1048576)))::json);

-- 9. an UPDATE that sets no limited or auto_now column does not fire the write trigger
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) UPDATE sl_ns.note SET n = n + 1;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) UPDATE sl_ns.note SET body = body;
INSERT INTO sl_ns.stamp (n) VALUES (1);
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) UPDATE sl_ns.stamp SET n = n + 1;
-- with another BEFORE UPDATE row trigger, both fire
CREATE FUNCTION public.sl_same() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
CREATE TRIGGER a_same BEFORE UPDATE ON sl_ns.note FOR EACH ROW EXECUTE FUNCTION public.sl_same();
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) UPDATE sl_ns.note SET n = n + 1;
DROP TRIGGER a_same ON sl_ns.note;
-- ON CONFLICT DO UPDATE of a limited column is checked
INSERT INTO sl_ns.note (dbid, n, author_id) SELECT dbid, 1, 1 FROM sl_ns.note WHERE n = 3
  ON CONFLICT (dbid) DO UPDATE SET body = repeat('z', 1048577);
SELECT n, length(body) FROM sl_ns.note ORDER BY n;

-- cleanup
SET cmodel.allow_destructive_ddl = on;
SET client_min_messages TO warning;
DROP SCHEMA sl_ns, sl_ns2, sl_ns3 CASCADE;
DROP EXTENSION cmodel;
DROP TABLE public.sl_staff, public.sl_checked, public.sl_other, public.sl_free, public.sl_elsewhere CASCADE;
DROP SCHEMA sl_core CASCADE;
DROP FUNCTION public.sl_add, public.sl_swallow, public.sl_grow, public.sl_same;
DROP TYPE public.sl_outer, public.sl_inner, public.sl_mood, public.sl_later;
DROP DOMAIN public.sl_text, public.sl_json, public.sl_tags;
DROP EXTENSION citext;
