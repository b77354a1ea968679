--
-- write_rules: the SDK's write-time semantics for every client — field
-- defaults for new rows only, auto_now_add, auto_now, the 1,048,576-character
-- limit on text and JSON values, and cmodel.max_bulk_rows.
--
CREATE EXTENSION cmodel;
\set VERBOSITY default
\set SHOW_CONTEXT never

SELECT action, object, statement FROM cmodel_register_model('wr_ns', '{"name": "Doc", "fields": [
    {"name": "title", "type": "TextField", "default": "untitled"},
    {"name": "version", "type": "DecimalField", "max_digits": 3, "decimal_places": 1, "default": 1.0},
    {"name": "uid", "type": "UUIDField", "default": "uuid4"},
    {"name": "meta", "type": "JSONField", "default": {}},
    {"name": "created", "type": "DateTimeField", "auto_now_add": true},
    {"name": "updated", "type": "DateTimeField", "auto_now": true},
    {"name": "day", "type": "DateField", "auto_now": true},
    {"name": "body", "type": "TextField"}]}') ORDER BY action COLLATE "C", object COLLATE "C";

-- defaults and the time fields on INSERT
INSERT INTO wr_ns.doc (body) VALUES ('one');
SELECT title, version, uid IS NOT NULL AS has_uid, meta, created IS NOT NULL AS has_created,
       created = updated AS same_time, day = current_date AS today
  FROM wr_ns.doc;
-- auto_now_add and auto_now set the value themselves, whatever the client sent
INSERT INTO wr_ns.doc (body, created, updated, day) VALUES ('two', '2000-01-01', '2000-01-01', '2000-01-01');
SELECT created > '2001-01-01' AS created_now, updated > '2001-01-01' AS updated_now, day = current_date AS today
  FROM wr_ns.doc WHERE body = 'two';
-- uuid4 draws a new value per row
SELECT count(DISTINCT uid) AS distinct_uids FROM wr_ns.doc;

-- auto_now on every UPDATE; auto_now_add only on INSERT
CREATE TEMP TABLE before_update AS SELECT dbid, created, updated FROM wr_ns.doc;
SELECT pg_catalog.pg_sleep(0.01);
UPDATE wr_ns.doc SET body = body || '!';
SELECT d.created = b.created AS created_kept, d.updated > b.updated AS updated_moved
  FROM wr_ns.doc d JOIN before_update b USING (dbid) ORDER BY d.dbid;

-- a default added later applies to new rows only: existing rows keep NULL
SELECT action, object, statement FROM cmodel_register_model('wr_ns', '{"name": "Doc", "fields": [
    {"name": "title", "type": "TextField", "default": "untitled"},
    {"name": "version", "type": "DecimalField", "max_digits": 3, "decimal_places": 1, "default": 2.5},
    {"name": "uid", "type": "UUIDField", "default": "uuid4"},
    {"name": "meta", "type": "JSONField"},
    {"name": "created", "type": "DateTimeField", "auto_now_add": true},
    {"name": "updated", "type": "DateTimeField", "auto_now": true},
    {"name": "day", "type": "DateField", "auto_now": true},
    {"name": "body", "type": "TextField"},
    {"name": "kind", "type": "CharField", "max_length": 10, "default": "memo"}]}') ORDER BY action COLLATE "C", object COLLATE "C";
INSERT INTO wr_ns.doc (body) VALUES ('three');
SELECT body, version, meta, kind FROM wr_ns.doc ORDER BY dbid;
-- registering it again changes nothing
SELECT count(*) AS actions FROM cmodel_register_model('wr_ns', cmodel_describe_model('wr_ns', 'Doc'));

-- the value limit: exactly 1,048,576 characters pass, one more is refused
INSERT INTO wr_ns.doc (body) VALUES (repeat('x', 1048576));
INSERT INTO wr_ns.doc (body) VALUES (repeat('x', 1048577));
-- characters, not bytes: two-byte characters
INSERT INTO wr_ns.doc (body) VALUES (repeat('é', 1048576));
INSERT INTO wr_ns.doc (body) VALUES (repeat('é', 1048577));
-- JSON on its text form: a string of 1,048,574 characters prints as 1,048,576
INSERT INTO wr_ns.doc (meta) VALUES (to_jsonb(repeat('a', 1048574)));
INSERT INTO wr_ns.doc (meta) VALUES (to_jsonb(repeat('a', 1048575)));
SELECT length(to_jsonb(repeat('a', 1048574))::text) AS text_form;
-- escapes and structure count: {"k": "..."} with a quote inside
INSERT INTO wr_ns.doc (meta) VALUES (jsonb_build_object('k', repeat('"', 524283)));
INSERT INTO wr_ns.doc (meta) VALUES (jsonb_build_object('k', repeat('"', 524284)));
-- numbers are measured as printed: nine 131,072-digit numbers in a few bytes
INSERT INTO wr_ns.doc (meta)
SELECT jsonb_agg(('1e131071')::numeric) FROM generate_series(1, 9);
SELECT octet_length(jsonb_agg(('1e131071')::numeric)::text) AS printed,
       pg_column_size(jsonb_agg(('1e131071')::numeric)) < 200 AS stored_small
  FROM generate_series(1, 9);
INSERT INTO wr_ns.doc (meta)
SELECT jsonb_agg(('1e131071')::numeric) FROM generate_series(1, 7);
-- UPDATE is checked too, including an UPDATE that moves a value between columns
UPDATE wr_ns.doc SET body = repeat('y', 1048577) WHERE body = 'one!';
UPDATE wr_ns.doc SET title = body WHERE length(body) = 1048576 AND body LIKE 'x%';
UPDATE wr_ns.doc SET title = body || 'z' WHERE length(body) = 1048576 AND body LIKE 'x%';
-- an UPDATE of another column leaves a large stored value alone; copying
-- a stored (TOASTed) value into another column is checked
UPDATE wr_ns.doc SET kind = 'big' WHERE meta::text LIKE '"aaa%' OR length(body) > 1000000;
SELECT count(*) AS big_rows FROM wr_ns.doc WHERE kind = 'big';
UPDATE wr_ns.doc SET meta = to_jsonb(body) WHERE length(body) = 1048576 AND body LIKE 'x%';
-- the errors carry SQLSTATEs and name schema, table and column for clients
DO $$
DECLARE
    st text; sch text; tbl text; col text;
BEGIN
    INSERT INTO wr_ns.doc (title) VALUES (repeat('x', 1048577));
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, sch = SCHEMA_NAME, tbl = TABLE_NAME, col = COLUMN_NAME;
    RAISE NOTICE 'sqlstate %, %.%.%', st, sch, tbl, col;
END $$;
DO $$
DECLARE
    st text; tbl text;
BEGIN
    SET LOCAL cmodel.max_bulk_rows = 1;
    INSERT INTO wr_ns.doc (body) VALUES ('a'), ('b');
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, tbl = TABLE_NAME;
    RAISE NOTICE 'sqlstate %, table %', st, tbl;
END $$;

-- cmodel.max_bulk_rows: 10,000 rows in one statement pass, 10,001 do not
SHOW cmodel.max_bulk_rows;
CREATE TABLE public.wr_src AS SELECT g FROM generate_series(1, 10001) g;
INSERT INTO wr_ns.doc (body) SELECT 'bulk' FROM public.wr_src WHERE g <= 10000;
INSERT INTO wr_ns.doc (body) SELECT 'bulk' FROM public.wr_src;
-- statements are counted apart, also inside one transaction
BEGIN;
INSERT INTO wr_ns.doc (body) SELECT 'again' FROM public.wr_src WHERE g <= 6000;
INSERT INTO wr_ns.doc (body) SELECT 'again' FROM public.wr_src WHERE g <= 6000;
COMMIT;
-- writes a statement makes per row (a function, a trigger) do not reset its count
CREATE TEMP TABLE wr_tick (n int);
CREATE FUNCTION pg_temp.wr_tick() RETURNS int LANGUAGE plpgsql AS $$
BEGIN INSERT INTO wr_tick VALUES (1); RETURN 1; END $$;
INSERT INTO wr_ns.doc (body) SELECT 'ticked' FROM public.wr_src WHERE pg_temp.wr_tick() = 1;
SELECT count(*) AS ticked FROM wr_ns.doc WHERE body = 'ticked';
-- COPY counts as well
SET cmodel.max_bulk_rows = 2;
COPY wr_ns.doc (body) FROM STDIN;
c1
c2
c3
\.
SELECT count(*) AS copied FROM wr_ns.doc WHERE body LIKE 'c_';
-- 0 means no limit
SET cmodel.max_bulk_rows = 0;
INSERT INTO wr_ns.doc (body) SELECT 'unlimited' FROM public.wr_src;
SELECT body, count(*) FROM wr_ns.doc WHERE body IN ('bulk', 'again', 'unlimited') GROUP BY body ORDER BY body COLLATE "C";
RESET cmodel.max_bulk_rows;
-- only a superuser (or a role granted SET on it) may change the limit
CREATE ROLE wr_plugin;
SET ROLE wr_plugin;
SET cmodel.max_bulk_rows = 0;
RESET ROLE;
DROP ROLE wr_plugin;

-- cleanup
SET cmodel.allow_destructive_ddl = on;
SET client_min_messages TO warning;
DROP SCHEMA wr_ns CASCADE;
DROP EXTENSION cmodel;
DROP TABLE public.wr_src;
