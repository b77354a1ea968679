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
-- row types that reach a temporary object: a view's over a temporary
-- function, a materialized view's, a domain over one, a composite with such
-- an attribute; a view or materialized view made in a namespace over one;
-- a trigger's WHEN clause and a policy on a namespace table
CREATE VIEW public.sl_tview AS SELECT pg_temp.sl_tf(1) AS x;
CREATE MATERIALIZED VIEW public.sl_tmview AS SELECT pg_temp.sl_tf(1) AS x;
CREATE DOMAIN public.sl_tdom AS public.sl_tview;
CREATE TYPE public.sl_tnest AS (v public.sl_tview, keep text);
ALTER TABLE sl_ns.note ADD COLUMN r1 public.sl_tview;
ALTER TABLE sl_ns.note ADD COLUMN r2 public.sl_tmview;
ALTER TABLE sl_ns.note ADD COLUMN r3 public.sl_tdom;
ALTER TABLE sl_ns.note ADD COLUMN r4 public.sl_tnest;
CREATE VIEW sl_ns.hand_view AS SELECT pg_temp.sl_tf(n) AS x FROM sl_ns.note;
CREATE MATERIALIZED VIEW sl_ns.hand_mview AS SELECT pg_temp.sl_tf(n) AS x FROM sl_ns.note;
CREATE FUNCTION public.sl_pass() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
CREATE TRIGGER a_when BEFORE INSERT ON sl_ns.note FOR EACH ROW WHEN (pg_temp.sl_tf(NEW.n) > 0)
  EXECUTE FUNCTION public.sl_pass();
CREATE POLICY sl_tpol ON sl_ns.note AS RESTRICTIVE USING (pg_temp.sl_tf(n) > 1);
-- objects a namespace column already uses, changed afterwards to reach one:
-- a table made a typed table of a temporary type, a view replaced
CREATE TYPE pg_temp.sl_tshape AS (x integer);
CREATE TABLE public.sl_later_typed (x integer);
CREATE VIEW public.sl_later_view AS SELECT 1 AS x;
ALTER TABLE sl_ns.note ADD COLUMN r5 public.sl_later_typed, ADD COLUMN r6 public.sl_later_view;
ALTER TABLE public.sl_later_typed OF pg_temp.sl_tshape;
CREATE OR REPLACE VIEW public.sl_later_view AS SELECT pg_temp.sl_tf(1) AS x;
-- an operator class goes with the function of one of its members, and
-- an index or range type using the class with it
CREATE FUNCTION pg_temp.sl_cmp(integer, integer) RETURNS integer LANGUAGE sql IMMUTABLE
  AS 'SELECT btint4cmp($1, $2)';
CREATE OPERATOR CLASS public.sl_tops FOR TYPE integer USING btree AS
  OPERATOR 1 <, OPERATOR 2 <=, OPERATOR 3 =, OPERATOR 4 >=, OPERATOR 5 >,
  FUNCTION 1 pg_temp.sl_cmp(integer, integer);
CREATE UNIQUE INDEX sl_topsidx ON sl_ns.note (n public.sl_tops);
CREATE TYPE public.sl_trange AS RANGE (subtype = integer, subtype_opclass = public.sl_tops);
ALTER TABLE sl_ns.note ADD COLUMN r7 public.sl_trange;
-- a temporary object on a namespace table that holds nothing of it passes
CREATE STATISTICS pg_temp.sl_tstats ON body, n FROM sl_ns.note;
-- outside namespaces such objects are PostgreSQL's business
CREATE VIEW public.sl_free_view AS SELECT pg_temp.sl_tf(1) AS x;
DROP VIEW public.sl_free_view;
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
-- nor its key change type, the table become a typed table of a temporary
-- type, or an extension's member (which pg_dump leaves out)
ALTER TABLE public.sl_staff ALTER COLUMN dbid TYPE text;
ALTER TABLE public.sl_staff ALTER COLUMN dbid TYPE bigint USING dbid + 1;
-- (a migration tool's no-op to the same type passes)
ALTER TABLE public.sl_staff ALTER COLUMN dbid TYPE bigint;
CREATE TYPE pg_temp.sl_tstaff AS (dbid bigint, name text);
ALTER TABLE public.sl_staff OF pg_temp.sl_tstaff;
ALTER EXTENSION plpgsql ADD TABLE public.sl_staff;
ALTER EXTENSION plpgsql ADD TYPE sl_ns.note;
SELECT count(*) AS members FROM pg_depend WHERE refclassid = 'pg_extension'::regclass
   AND classid = 'pg_class'::regclass AND objid = 'public.sl_staff'::regclass;
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
-- nor a foreign key into it (its actions would run user code inside
-- cmodel's own registry writes), an inheritance child of it, objects made
-- in or moved into its schema, or another owner for that schema
CREATE TABLE public.sl_hook (singleton boolean REFERENCES cmodel.reg_reporting (singleton) ON DELETE CASCADE);
CREATE TABLE public.sl_hook (singleton boolean);
ALTER TABLE public.sl_hook ADD FOREIGN KEY (singleton) REFERENCES cmodel.reg_reporting (singleton);
CREATE TABLE public.sl_regkid () INHERITS (cmodel.reg_namespace);
CREATE TABLE cmodel.sl_extra (a integer);
CREATE FUNCTION cmodel.sl_fn() RETURNS integer LANGUAGE sql AS 'SELECT 1';
ALTER TABLE public.sl_hook SET SCHEMA cmodel;
CREATE ROLE regress_sl_owner;
ALTER SCHEMA cmodel OWNER TO regress_sl_owner;
DROP ROLE regress_sl_owner;
DROP TABLE public.sl_hook;
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
-- every other variable-length value is limited in bytes: composites,
-- ranges, bytea, arrays of them; arrays of domains over text[] count their
-- text
CREATE TYPE public.sl_comp AS (t text);
CREATE TYPE public.sl_textrange AS RANGE (subtype = text);
ALTER TABLE sl_ns.note ADD COLUMN k1 public.sl_comp, ADD COLUMN k2 public.sl_textrange,
  ADD COLUMN k3 bytea, ADD COLUMN k4 public.sl_comp[], ADD COLUMN k5 public.sl_tags[];
UPDATE sl_ns.note SET k1 = ROW(repeat('x', 1048577)) WHERE n = 1;
UPDATE sl_ns.note SET k2 = public.sl_textrange('a', 'b' || repeat('x', 1048577)) WHERE n = 1;
UPDATE sl_ns.note SET k3 = convert_to(repeat('x', 1048577), 'UTF8') WHERE n = 1;
UPDATE sl_ns.note SET k4 = ARRAY[ROW(repeat('x', 1048577))::public.sl_comp] WHERE n = 1;
UPDATE sl_ns.note SET k5 = ARRAY[ARRAY[repeat('x', 600000)]::public.sl_tags, ARRAY[repeat('y', 448577)]::public.sl_tags] WHERE n = 1;
UPDATE sl_ns.note SET k1 = ROW('short'), k3 = '\x00', k5 = ARRAY[ARRAY['a']::public.sl_tags] WHERE n = 1;
SELECT k1, k3, k5 FROM sl_ns.note WHERE n = 1;
-- a new column's default, which existing rows take without being written
-- (lz4 compresses it enough for pg_attribute to hold it)
SET default_toast_compression = lz4;
ALTER TABLE sl_ns.note ADD COLUMN big text DEFAULT repeat('z', 1048577);
RESET default_toast_compression;
ALTER TABLE sl_ns.note ADD COLUMN big text DEFAULT repeat('z', 10);
SELECT count(*) AS rows, min(length(big)) AS chars FROM sl_ns.note;
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

-- 10. session_replication_role = replica (a logical replication apply
-- worker's setting) skips no cmodel trigger: they fire ALWAYS, and
-- ENABLE (ORIGIN) is refused.  Rows keep the auto_now values they came with.
SELECT count(*) AS not_always FROM pg_trigger
 WHERE tgname IN ('cmodel_write', 'cmodel_on_delete', 'cmodel_on_truncate') AND tgenabled <> 'A';
ALTER TABLE public.sl_staff ENABLE TRIGGER cmodel_on_delete;
-- ENABLE TRIGGER ALL | USER passes (the platform's own triggers), and
-- cmodel's are put back to the modes cmodel made them with
ALTER TABLE sl_ns.note ENABLE TRIGGER ALL;
ALTER TABLE public.sl_staff ENABLE TRIGGER USER;
-- the delete trigger's row twin for apply workers fires REPLICA, and stays so
SELECT tgname, tgenabled FROM pg_trigger
 WHERE tgrelid = 'public.sl_staff'::regclass AND tgname LIKE 'cmodel%' ORDER BY tgname;
ALTER TABLE public.sl_staff DISABLE TRIGGER cmodel_on_delete_row;
ALTER TABLE public.sl_staff ENABLE TRIGGER cmodel_on_delete_row;
INSERT INTO public.sl_staff (dbid, name) VALUES (30, 'Replica');
INSERT INTO sl_ns.note (n, author_id) VALUES (30, 30);
SET session_replication_role = replica;
INSERT INTO sl_ns.note (body, n, author_id) VALUES (repeat('x', 1048577), 31, 30);
INSERT INTO sl_ns.stamp (n, at) VALUES (31, '2001-02-03 04:05:06+00');
DELETE FROM public.sl_staff WHERE dbid = 30;
RESET session_replication_role;
SELECT count(*) AS orphans FROM sl_ns.note WHERE author_id = 30;
SELECT at FROM sl_ns.stamp WHERE n = 31;

-- cleanup
SET cmodel.allow_destructive_ddl = on;
SET client_min_messages TO warning;
DROP SCHEMA sl_ns, sl_ns2, sl_ns3 CASCADE;
DROP EXTENSION cmodel;
DROP TABLE public.sl_staff, public.sl_checked, public.sl_other, public.sl_free, public.sl_elsewhere CASCADE;
DROP SCHEMA sl_core CASCADE;
DROP FUNCTION public.sl_add, public.sl_swallow, public.sl_grow, public.sl_same, public.sl_pass;
DROP TYPE public.sl_outer, public.sl_inner, public.sl_mood, public.sl_later, public.sl_comp,
  public.sl_textrange;
DROP TABLE public.sl_later_typed, public.sl_rowtype;
DROP VIEW public.sl_later_view;
DROP DOMAIN public.sl_text, public.sl_json, public.sl_tags;
DROP EXTENSION citext;

