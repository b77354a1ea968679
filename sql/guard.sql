-- guard: the lifecycle guard keeps namespaces additive-only for every
-- client.  Every destructive form is tried against a namespace with data,
-- directly, indirectly, through functions, DO blocks and search_path; the
-- namespace's tables, columns, indexes, sequences and rows are compared
-- before and after.  Then additive DDL, cmodel's own DDL, break-glass and
-- DDL outside namespaces.
CREATE EXTENSION cmodel;
\set VERBOSITY default
\set SHOW_CONTEXT never
SELECT current_user AS admin \gset

CREATE TABLE public.guard_staff (dbid bigint PRIMARY KEY, name text);
INSERT INTO public.guard_staff VALUES (1, 'Ada'), (2, 'Grace');
SELECT cmodel_register_core_model('GuardStaff', 'public.guard_staff', 'dbid');
\set note '{"name": "Note", "fields": [{"name": "body", "type": "TextField"}, {"name": "n", "type": "IntegerField"}, {"name": "author", "type": "ForeignKey", "to": "GuardStaff", "on_delete": "CASCADE", "related_name": "guard_ns_notes"}], "meta": {"indexes": [{"fields": ["n"], "name": "by_n"}], "constraints": [{"type": "UniqueConstraint", "fields": ["body"], "name": "uq_body"}]}}'
SELECT action, object FROM cmodel_register_model('guard_ns', :'note') ORDER BY object COLLATE "C";
INSERT INTO guard_ns.note (body, n, author_id) VALUES ('first', 1, 1), ('second', 2, 2), ('third', 3, 1);

-- objects outside the namespace that namespace columns and indexes use
CREATE TYPE public.guard_mood AS ENUM ('calm', 'busy');
CREATE DOMAIN public.guard_count AS integer;
CREATE FUNCTION public.guard_double(integer) RETURNS integer
    LANGUAGE sql IMMUTABLE AS 'SELECT $1 * 2';
CREATE TABLE public.guard_parent (a integer);
CREATE TYPE public.guard_row AS (a integer);
CREATE TYPE public.guard_pair AS (a integer, b text);
CREATE DOMAIN public.guard_base AS integer;
CREATE DOMAIN public.guard_level AS public.guard_base;
CREATE FOREIGN DATA WRAPPER guard_fdw;
CREATE SERVER guard_srv FOREIGN DATA WRAPPER guard_fdw;

-- additive DDL by hand is allowed in a namespace
ALTER TABLE guard_ns.note ADD COLUMN mood public.guard_mood;
ALTER TABLE guard_ns.note ADD COLUMN tally public.guard_count;
ALTER TABLE guard_ns.note ADD COLUMN pair public.guard_pair, ADD COLUMN level public.guard_level;
UPDATE guard_ns.note SET pair = ROW(n, body);
ALTER TABLE guard_ns.note ADD COLUMN extra text, ADD COLUMN rank integer DEFAULT 0;
CREATE INDEX guard_note_double ON guard_ns.note (public.guard_double(n));
CREATE UNIQUE INDEX guard_note_extra ON guard_ns.note (extra);
ALTER TABLE guard_ns.note ADD CONSTRAINT guard_note_rank_key UNIQUE (rank, dbid);
ALTER TABLE guard_ns.note ALTER COLUMN body SET STATISTICS 200;
ALTER TABLE guard_ns.note SET (fillfactor = 90);
ALTER TABLE guard_ns.note REPLICA IDENTITY FULL;
COMMENT ON TABLE guard_ns.note IS 'notes of the guard test';
CREATE VIEW guard_ns.note_view AS SELECT dbid, body FROM guard_ns.note;
DROP VIEW guard_ns.note_view;
CREATE TABLE guard_ns.scratch (a integer);

-- what must survive: every column, index, constraint and sequence of the
-- namespace, and the rows
CREATE TEMP VIEW guard_shape AS
SELECT 'column ' || c.relname || '.' || a.attname || ' ' ||
       pg_catalog.format_type(a.atttypid, a.atttypmod) ||
       CASE WHEN a.attnotnull THEN ' not null' ELSE '' END ||
       COALESCE(' default ' || pg_catalog.pg_get_expr(d.adbin, d.adrelid), '') ||
       CASE WHEN a.attidentity <> '' THEN ' identity' ELSE '' END AS item
  FROM pg_catalog.pg_attribute a
  JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
  LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
 WHERE c.relnamespace = 'guard_ns'::regnamespace AND c.relkind = 'r'
   AND a.attnum > 0 AND NOT a.attisdropped
UNION ALL
SELECT 'index ' || pg_catalog.pg_get_indexdef(i.indexrelid)
  FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
 WHERE c.relnamespace = 'guard_ns'::regnamespace
UNION ALL
SELECT 'constraint ' || conname || ' ' || pg_catalog.pg_get_constraintdef(oid)
  FROM pg_catalog.pg_constraint WHERE connamespace = 'guard_ns'::regnamespace
UNION ALL
SELECT 'relation ' || relname || ' ' || relkind::text || ' ' || relpersistence::text
  FROM pg_catalog.pg_class WHERE relnamespace = 'guard_ns'::regnamespace
UNION ALL
SELECT 'rows ' || count(*) || ' ' ||
       pg_catalog.md5(string_agg(n::text || body, ',' ORDER BY dbid))
  FROM guard_ns.note;
CREATE TEMP TABLE guard_before AS SELECT item FROM guard_shape;
SELECT count(*) AS items FROM guard_before;

-- error: dropping tables, columns, indexes, sequences, the schema
DROP TABLE guard_ns.note;
DROP TABLE IF EXISTS guard_ns.note CASCADE;
DROP TABLE public.guard_parent, guard_ns.scratch;
ALTER TABLE guard_ns.note DROP COLUMN body;
ALTER TABLE guard_ns.note DROP COLUMN IF EXISTS extra CASCADE;
DROP INDEX guard_ns.guard_ns_note_by_n;
DROP INDEX CONCURRENTLY guard_ns.guard_note_extra;
ALTER TABLE guard_ns.note DROP CONSTRAINT note_pkey;
ALTER TABLE guard_ns.note DROP CONSTRAINT guard_note_rank_key;
DROP SEQUENCE guard_ns.note_dbid_seq;
ALTER TABLE guard_ns.note ALTER COLUMN dbid DROP IDENTITY;
DROP SCHEMA guard_ns;
DROP SCHEMA guard_ns CASCADE;

-- error: changing columns
ALTER TABLE guard_ns.note ALTER COLUMN n TYPE bigint;
ALTER TABLE guard_ns.note ALTER COLUMN body TYPE varchar(100);
ALTER TABLE guard_ns.note ALTER COLUMN body SET DATA TYPE text USING upper(body);
ALTER TABLE guard_ns.note ALTER COLUMN n SET NOT NULL;
ALTER TABLE guard_ns.note ALTER COLUMN dbid DROP NOT NULL;
ALTER TABLE guard_ns.note ALTER COLUMN rank DROP DEFAULT;
ALTER TABLE guard_ns.note ALTER COLUMN body SET DEFAULT 'x';
ALTER TABLE guard_ns.note ALTER COLUMN dbid SET GENERATED ALWAYS;
ALTER TABLE guard_ns.note ALTER COLUMN dbid RESTART WITH 1;
ALTER TABLE guard_ns.note ALTER COLUMN n ADD GENERATED BY DEFAULT AS IDENTITY;

-- error: constraints other than UNIQUE
ALTER TABLE guard_ns.note ADD CONSTRAINT n_positive CHECK (n > 0);
ALTER TABLE guard_ns.note ADD CONSTRAINT n_positive CHECK (n > 0) NOT VALID;
ALTER TABLE guard_ns.note ADD FOREIGN KEY (author_id) REFERENCES public.guard_staff (dbid);
ALTER TABLE guard_ns.note ADD PRIMARY KEY (n);
ALTER TABLE guard_ns.note ADD CONSTRAINT n_excl EXCLUDE USING btree (n WITH =);
CREATE TABLE public.guard_ref (note_id bigint REFERENCES guard_ns.note);
ALTER TABLE public.guard_parent ADD COLUMN note_id bigint REFERENCES guard_ns.note;

-- error: renaming and moving
ALTER TABLE guard_ns.note RENAME TO memo;
ALTER TABLE guard_ns.note RENAME COLUMN body TO text;
ALTER TYPE guard_ns.note RENAME ATTRIBUTE body TO text;
ALTER TABLE guard_ns.note ADD CONSTRAINT renamed UNIQUE USING INDEX guard_note_extra;
ALTER INDEX guard_ns.guard_ns_note_by_n RENAME TO by_n;
ALTER TABLE guard_ns.note RENAME CONSTRAINT note_pkey TO memo_pkey;
ALTER SEQUENCE guard_ns.note_dbid_seq RENAME TO memo_seq;
ALTER TABLE guard_ns.note SET SCHEMA public;
ALTER SCHEMA guard_ns RENAME TO guard_gone;

-- a NOT NULL column with a constant default neither rewrites nor scans:
-- PostgreSQL records the default for the rows that exist (Django's rules
-- add such columns)
ALTER TABLE guard_ns.note ADD COLUMN c1 integer NOT NULL DEFAULT 0;

-- error: adding columns that rewrite or scan
ALTER TABLE guard_ns.note ADD COLUMN c2 double precision DEFAULT random();
ALTER TABLE guard_ns.note ADD COLUMN c3 serial;
ALTER TABLE guard_ns.note ADD COLUMN c4 integer GENERATED ALWAYS AS (n * 2) STORED;
ALTER TABLE guard_ns.note ADD COLUMN c5 bigint GENERATED ALWAYS AS IDENTITY;
ALTER TABLE guard_ns.note ADD COLUMN c6 integer CHECK (c6 > 0);
ALTER TABLE guard_ns.note ADD COLUMN extra2 text, ADD COLUMN c7 integer NOT NULL;

-- error: rewriting, moving storage, changing what the table is
ALTER TABLE guard_ns.note SET UNLOGGED;
ALTER SEQUENCE guard_ns.note_dbid_seq SET UNLOGGED;
ALTER TABLE guard_ns.note SET ACCESS METHOD heap;
ALTER TABLE guard_ns.note SET TABLESPACE pg_default;
ALTER TABLE ALL IN TABLESPACE pg_default SET TABLESPACE pg_default;
ALTER TABLE guard_ns.note INHERIT public.guard_parent;
ALTER TABLE guard_ns.note OF public.guard_row;
CREATE TABLE public.guard_child () INHERITS (guard_ns.note);
CREATE TEMP TABLE guard_temp_child () INHERITS (guard_ns.note);
CREATE FOREIGN TABLE public.guard_ft () INHERITS (guard_ns.note) SERVER guard_srv;
CREATE TABLE guard_ns.checked (a integer CHECK (a > 0));
CREATE UNLOGGED SEQUENCE guard_ns.fast_seq;
CREATE UNLOGGED TABLE guard_ns.fast (a integer);
CREATE TABLE guard_ns.parts (a integer) PARTITION BY RANGE (a);
CREATE RULE guard_keep AS ON DELETE TO guard_ns.note DO INSTEAD NOTHING;
ALTER TABLE guard_ns.note DISABLE TRIGGER ALL;
ALTER SEQUENCE guard_ns.note_dbid_seq RESTART;
ALTER INDEX guard_ns.guard_note_double DEPENDS ON EXTENSION plpgsql;
ALTER DOMAIN public.guard_count ADD CONSTRAINT positive CHECK (VALUE > 0);
ALTER DOMAIN public.guard_count SET NOT NULL;
ALTER DOMAIN public.guard_count SET DEFAULT 1;
ALTER DOMAIN public.guard_base ADD CONSTRAINT positive CHECK (VALUE > 0);
ALTER TYPE public.guard_pair DROP ATTRIBUTE b;
ALTER TYPE public.guard_pair RENAME ATTRIBUTE b TO c;
ALTER TYPE public.guard_pair ALTER ATTRIBUTE a TYPE bigint;
ALTER TYPE public.guard_mood RENAME VALUE 'calm' TO 'quiet';
ALTER EXTENSION plpgsql ADD TABLE guard_ns.note;
ALTER EXTENSION plpgsql ADD SCHEMA guard_ns;

-- error: drops that reach the namespace indirectly
DROP TYPE public.guard_mood CASCADE;
DROP DOMAIN public.guard_count CASCADE;
DROP FUNCTION public.guard_double(integer) CASCADE;
CREATE ROLE regress_guard_owner;
GRANT USAGE, CREATE ON SCHEMA guard_ns TO regress_guard_owner;
SET ROLE regress_guard_owner;
CREATE TABLE guard_ns.owned (a integer);
RESET ROLE;
DROP OWNED BY regress_guard_owner;
SET client_min_messages = warning;
DROP SCHEMA public CASCADE;
RESET client_min_messages;
DROP EXTENSION cmodel;
DROP EXTENSION cmodel CASCADE;
ALTER EXTENSION cmodel DROP EVENT TRIGGER cmodel_guard_sql_drop;
-- error: and the registry that decides what is a namespace stays as it is
ALTER TABLE cmodel.reg_namespace RENAME TO reg_gone;
ALTER TABLE cmodel.reg_namespace SET SCHEMA public;
ALTER TABLE cmodel.reg_model DROP COLUMN descriptor;
ALTER SCHEMA cmodel RENAME TO cmodel_gone;
CREATE OR REPLACE FUNCTION cmodel.guard_ddl_command_start() RETURNS event_trigger
    LANGUAGE plpgsql AS 'BEGIN END';

-- error: the same through a DO block, a function, a search_path and the
-- replication role
DO $$ BEGIN EXECUTE 'DROP TABLE guard_ns.note'; END $$;
CREATE FUNCTION public.guard_sneaky() RETURNS void LANGUAGE plpgsql
    AS $$ BEGIN ALTER TABLE guard_ns.note DROP COLUMN n; END $$;
SELECT public.guard_sneaky();
SET search_path = guard_ns, public;
DROP TABLE note;
ALTER TABLE note ALTER COLUMN n TYPE text;
RESET search_path;
SET session_replication_role = replica;
DROP TABLE guard_ns.note;
RESET session_replication_role;
BEGIN;
SAVEPOINT s;
ALTER TABLE guard_ns.note DROP COLUMN body;
ROLLBACK TO SAVEPOINT s;
ALTER TABLE guard_ns.note ADD COLUMN in_tx text;
COMMIT;

-- nothing changed: the same items, the rows intact (the table "owned" and
-- the column in_tx were added on purpose)
SELECT item AS lost FROM guard_before EXCEPT SELECT item FROM guard_shape;
SELECT gained FROM (SELECT item FROM guard_shape EXCEPT SELECT item FROM guard_before) AS g (gained)
 ORDER BY gained COLLATE "C";
SELECT dbid, body, n, author_id, pair FROM guard_ns.note ORDER BY dbid;

-- cmodel's own registration DDL passes the guard
SELECT action, object FROM cmodel_register_model('guard_ns',
  replace(:'note', '[{"name": "body"', '[{"name": "topic", "type": "TextField"}, {"name": "body"')) ORDER BY object COLLATE "C";

-- indexes that hold nothing may go: one a failed CREATE INDEX CONCURRENTLY
-- left invalid, one of a materialized view
CREATE UNIQUE INDEX CONCURRENTLY guard_note_author ON guard_ns.note (author_id);
DROP INDEX guard_ns.guard_note_author;
CREATE MATERIALIZED VIEW guard_ns.note_counts AS SELECT author_id, count(*) FROM guard_ns.note GROUP BY 1;
CREATE INDEX ON guard_ns.note_counts (author_id);
DROP MATERIALIZED VIEW guard_ns.note_counts;

-- maintenance that keeps every row is not DDL the guard judges
VACUUM FULL guard_ns.note;
CLUSTER guard_ns.note USING note_pkey;
REINDEX TABLE guard_ns.note;
SELECT count(*) FROM guard_ns.note;

-- outside namespaces nothing changes
CREATE TABLE public.guard_free (a integer, b text);
ALTER TABLE public.guard_free ALTER COLUMN a TYPE bigint;
ALTER TABLE public.guard_free ADD CONSTRAINT a_positive CHECK (a > 0);
ALTER TABLE public.guard_free RENAME COLUMN b TO c;
ALTER TABLE public.guard_free DROP COLUMN c;
ALTER TABLE public.guard_free RENAME TO guard_free2;
DROP TABLE public.guard_free2;
CREATE SCHEMA guard_other;
CREATE TABLE guard_other.t (a integer);
DROP SCHEMA guard_other CASCADE;

-- break-glass: a superuser opens the guard for the session; each statement
-- it lets through is logged
CREATE ROLE regress_guard_admin SUPERUSER;
SET ROLE regress_guard_admin;
SET client_min_messages = log;
SET cmodel.allow_destructive_ddl = on;
DROP INDEX guard_ns.guard_note_double;
ALTER TABLE guard_ns.note DROP COLUMN tally;
RESET cmodel.allow_destructive_ddl;
RESET client_min_messages;
RESET ROLE;
-- error: closed again
ALTER TABLE guard_ns.note DROP COLUMN mood;

-- error: a non-superuser cannot open it
CREATE ROLE regress_guard_app LOGIN;
GRANT USAGE ON SCHEMA guard_ns TO regress_guard_app;
SET ROLE regress_guard_app;
SET cmodel.allow_destructive_ddl = on;
RESET ROLE;

-- error: nor by setting it before the library is loaded in a new session
-- (the placeholder is refused when the library loads)
\c - regress_guard_app
\set VERBOSITY default
\set SHOW_CONTEXT never
SET cmodel.allow_destructive_ddl = on;
ALTER TABLE guard_ns.note DROP COLUMN body;
SHOW cmodel.allow_destructive_ddl;

-- error: nor through a role default a superuser set for it
\c - :admin
\set VERBOSITY default
\set SHOW_CONTEXT never
ALTER ROLE regress_guard_app SET cmodel.allow_destructive_ddl = on;
\c - regress_guard_app
\set VERBOSITY default
\set SHOW_CONTEXT never
DROP TABLE guard_ns.note;
\c - :admin
\set VERBOSITY default
\set SHOW_CONTEXT never
ALTER ROLE regress_guard_app RESET ALL;

-- cleanup: namespaces are guarded, so dropping them takes break-glass
SET client_min_messages = warning;
SET cmodel.allow_destructive_ddl = on;
DROP SCHEMA guard_ns CASCADE;
DROP EXTENSION cmodel;
DROP TABLE public.guard_staff, public.guard_parent;
DROP FUNCTION public.guard_double(integer), public.guard_sneaky();
DROP DOMAIN public.guard_count, public.guard_level, public.guard_base;
DROP TYPE public.guard_mood, public.guard_row, public.guard_pair;
DROP SERVER guard_srv;
DROP FOREIGN DATA WRAPPER guard_fdw;
DROP ROLE regress_guard_owner, regress_guard_app, regress_guard_admin;
RESET cmodel.allow_destructive_ddl;
RESET client_min_messages;
