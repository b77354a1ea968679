--
-- on_delete: CASCADE, SET_NULL and DO_NOTHING applied by cmodel for every
-- DELETE and TRUNCATE, through core tables, proxies, depth, self-references,
-- cycles and ManyToMany through rows; the preview; changes at registration;
-- cmodel's triggers protected.
--
CREATE EXTENSION cmodel;
\set VERBOSITY default
\set SHOW_CONTEXT never

CREATE TABLE public.od_staff (dbid bigint PRIMARY KEY, name text);
SELECT cmodel_register_core_model('OdStaff', 'public.od_staff', 'dbid');

SELECT count(*) AS actions FROM cmodel_register_models('del_ns', '[
  {"name": "CustomStaff", "bases": ["OdStaff"], "meta": {"proxy": true}},
  {"name": "Author", "fields": [{"name": "name", "type": "TextField"},
    {"name": "staff", "type": "ForeignKey", "to": "CustomStaff", "on_delete": "CASCADE",
     "related_name": "del_ns_authors"}]},
  {"name": "Book", "fields": [{"name": "title", "type": "TextField"},
    {"name": "author", "type": "ForeignKey", "to": "Author", "on_delete": "CASCADE"},
    {"name": "editor", "type": "ForeignKey", "to": "Author", "on_delete": "SET_NULL", "related_name": "edited"},
    {"name": "reviewer", "type": "ForeignKey", "to": "Author", "on_delete": "DO_NOTHING", "related_name": "reviewed"},
    {"name": "tags", "type": "ManyToManyField", "to": "Tag", "through": "BookTag"}]},
  {"name": "Chapter", "fields": [{"name": "book", "type": "ForeignKey", "to": "Book", "on_delete": "CASCADE"},
    {"name": "n", "type": "IntegerField"}]},
  {"name": "Tag", "fields": [{"name": "label", "type": "TextField"}]},
  {"name": "BookTag", "fields": [{"name": "book", "type": "ForeignKey", "to": "Book", "on_delete": "CASCADE"},
    {"name": "tag", "type": "ForeignKey", "to": "Tag", "on_delete": "CASCADE"}]},
  {"name": "Node", "fields": [{"name": "up", "type": "ForeignKey", "to": "self", "on_delete": "CASCADE",
     "related_name": "downs"}]},
  {"name": "Ping", "fields": [{"name": "pong", "type": "ForeignKey", "to": "Pong", "on_delete": "CASCADE"}]},
  {"name": "Pong", "fields": [{"name": "ping", "type": "ForeignKey", "to": "Ping", "on_delete": "CASCADE"}]}
]');

-- the on_delete triggers sit on the tables relations point at, core table included
SELECT tgrelid::regclass AS tbl, tgname
  FROM pg_catalog.pg_trigger
 WHERE tgname LIKE 'cmodel_on_%' ORDER BY tgrelid::regclass::text COLLATE "C", tgname COLLATE "C";

CREATE FUNCTION del_counts() RETURNS TABLE (tbl text, n bigint) LANGUAGE sql AS $$
    SELECT 'staff', count(*) FROM public.od_staff UNION ALL
    SELECT 'author', count(*) FROM del_ns.author UNION ALL
    SELECT 'book', count(*) FROM del_ns.book UNION ALL
    SELECT 'chapter', count(*) FROM del_ns.chapter UNION ALL
    SELECT 'tag', count(*) FROM del_ns.tag UNION ALL
    SELECT 'booktag', count(*) FROM del_ns.booktag
$$;

INSERT INTO public.od_staff VALUES (1, 'ann'), (2, 'bob');
INSERT INTO del_ns.author (dbid, name, staff_id) VALUES (1, 'a1', 1), (2, 'a2', 1), (3, 'a3', 2);
INSERT INTO del_ns.book (dbid, title, author_id, editor_id, reviewer_id) VALUES
    (1, 'b1', 1, 3, 3), (2, 'b2', 1, 1, 1), (3, 'b3', 2, 1, 1), (4, 'b4', 3, 1, 1);
INSERT INTO del_ns.chapter (book_id, n) SELECT b, n FROM generate_series(1, 4) b, generate_series(1, 3) n;
INSERT INTO del_ns.tag (dbid, label) VALUES (1, 'x'), (2, 'y');
INSERT INTO del_ns.booktag (book_id, tag_id) VALUES (1, 1), (1, 2), (2, 1), (3, 2), (4, 1);

-- the preview counts what a delete would take, per model, and deletes nothing
SELECT * FROM cmodel_delete_preview('public.od_staff', ARRAY[1::bigint]);
SELECT * FROM cmodel_delete_preview('del_ns.author', ARRAY[3::bigint]);
SELECT * FROM cmodel_delete_preview('del_ns.author', ARRAY[42::bigint]);
SELECT * FROM del_counts();

-- a plain DELETE on the core table cascades through the proxy relation:
-- staff 1 -> authors 1, 2 -> books 1, 2, 3 -> their chapters and tag rows;
-- book 4 loses its editor (SET_NULL) and keeps its reviewer (DO_NOTHING)
DELETE FROM public.od_staff WHERE dbid = 1;
SELECT * FROM del_counts();
SELECT dbid, author_id, editor_id, reviewer_id FROM del_ns.book ORDER BY dbid;
SELECT book_id, tag_id FROM del_ns.booktag ORDER BY 1, 2;

-- through rows follow their other ForeignKey too
DELETE FROM del_ns.tag WHERE dbid = 1;
SELECT count(*) AS booktags FROM del_ns.booktag;

-- a rolled-back delete (savepoint) leaves every child in place
BEGIN;
SAVEPOINT s;
DELETE FROM del_ns.author;
ROLLBACK TO SAVEPOINT s;
SELECT * FROM del_counts();
COMMIT;

-- self-reference: a tree, and a 100,000-deep chain, go whole
INSERT INTO del_ns.node (dbid, up_id) VALUES (1, NULL), (2, 1), (3, 1), (4, 2), (5, 4), (6, NULL);
SELECT * FROM cmodel_delete_preview('del_ns.node', ARRAY[2::bigint]);
DELETE FROM del_ns.node WHERE dbid = 2;
SELECT dbid FROM del_ns.node ORDER BY dbid;
SET cmodel.max_bulk_rows = 0;
INSERT INTO del_ns.node (dbid, up_id) SELECT g, CASE WHEN g > 100 THEN g - 1 END FROM generate_series(100, 100099) g;
RESET cmodel.max_bulk_rows;
SELECT count(*) AS chain FROM del_ns.node WHERE dbid >= 100;
DELETE FROM del_ns.node WHERE dbid = 100;
SELECT count(*) AS chain_left FROM del_ns.node WHERE dbid >= 100;

-- a cycle terminates: ping 1 <-> pong 1, and a ring of four
INSERT INTO del_ns.ping (dbid) VALUES (1), (2), (3);
INSERT INTO del_ns.pong (dbid, ping_id) VALUES (1, 1), (2, 2), (3, 3);
UPDATE del_ns.ping SET pong_id = dbid;
SELECT * FROM cmodel_delete_preview('del_ns.ping', ARRAY[1::bigint]);
DELETE FROM del_ns.ping WHERE dbid = 1;
SELECT (SELECT count(*) FROM del_ns.ping) AS pings, (SELECT count(*) FROM del_ns.pong) AS pongs;

-- TRUNCATE applies on_delete first, as a DELETE of every row would
INSERT INTO del_ns.book (dbid, title, author_id) VALUES (10, 'b10', 3);
INSERT INTO del_ns.chapter (book_id, n) VALUES (10, 1);
TRUNCATE del_ns.author;
SELECT * FROM del_counts();
SELECT dbid, author_id, editor_id, reviewer_id FROM del_ns.book ORDER BY dbid;
TRUNCATE del_ns.node;
SELECT count(*) AS nodes FROM del_ns.node;

-- the delete runs the children's statements as their owner: a role that may
-- only delete authors still removes their books
INSERT INTO del_ns.author (dbid, name) VALUES (20, 'a20');
INSERT INTO del_ns.book (dbid, title, author_id) VALUES (20, 'b20', 20);
CREATE ROLE od_deleter;
GRANT USAGE ON SCHEMA del_ns TO od_deleter;
GRANT SELECT, DELETE ON del_ns.author TO od_deleter;
SET ROLE od_deleter;
DELETE FROM del_ns.author WHERE dbid = 20;
RESET ROLE;
SELECT count(*) AS books_of_20 FROM del_ns.book WHERE author_id = 20;

-- changing a relation at registration changes what a delete does
INSERT INTO del_ns.author (dbid, name) VALUES (30, 'a30'), (31, 'a31');
INSERT INTO del_ns.book (dbid, title, author_id, editor_id) VALUES (30, 'b30', 30, 31);
SELECT action, object FROM cmodel_register_model('del_ns', '{"name": "Book", "fields": [{"name": "title", "type": "TextField"},
    {"name": "author", "type": "ForeignKey", "to": "Author", "on_delete": "DO_NOTHING"},
    {"name": "reviewer", "type": "ForeignKey", "to": "Author", "on_delete": "DO_NOTHING", "related_name": "reviewed"},
    {"name": "tags", "type": "ManyToManyField", "to": "Tag", "through": "BookTag"}]}');
DELETE FROM del_ns.author WHERE dbid IN (30, 31);
SELECT dbid, author_id, editor_id FROM del_ns.book WHERE dbid = 30;

-- cmodel's triggers cannot be dropped or disabled, on core tables either
DROP TRIGGER cmodel_on_delete ON public.od_staff;
ALTER TABLE public.od_staff DISABLE TRIGGER cmodel_on_delete;
ALTER TABLE public.od_staff DISABLE TRIGGER ALL;
ALTER TABLE del_ns.book DISABLE TRIGGER cmodel_write;
ALTER TABLE public.od_staff ENABLE REPLICA TRIGGER cmodel_on_truncate;
-- a trigger of one's own may be
CREATE FUNCTION public.od_noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
CREATE TRIGGER mine AFTER DELETE ON public.od_staff FOR EACH STATEMENT EXECUTE FUNCTION public.od_noop();
ALTER TABLE public.od_staff DISABLE TRIGGER mine;
DROP TRIGGER mine ON public.od_staff;

-- nor replaced or renamed (the name could then be taken by another trigger)
CREATE OR REPLACE TRIGGER cmodel_on_truncate BEFORE TRUNCATE ON public.od_staff
    FOR EACH STATEMENT EXECUTE FUNCTION public.od_noop();
ALTER TRIGGER cmodel_on_delete ON public.od_staff RENAME TO other;

-- work a subtransaction queued survives a later sibling's rollback: a
-- user trigger on a child deletes another staff row in one exception block
-- (committed), then fails in a second (rolled back)
INSERT INTO public.od_staff VALUES (5, 'eve'), (6, 'fay');
INSERT INTO del_ns.author (dbid, name, staff_id) VALUES (50, 'a50', 5), (60, 'a60', 6);
CREATE FUNCTION public.od_side() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    BEGIN DELETE FROM public.od_staff WHERE dbid = 6; EXCEPTION WHEN others THEN NULL; END;
    BEGIN PERFORM 1 / 0; EXCEPTION WHEN others THEN NULL; END;
    RETURN NULL;
END $$;
CREATE TRIGGER side AFTER DELETE ON del_ns.author FOR EACH STATEMENT EXECUTE FUNCTION public.od_side();
DELETE FROM public.od_staff WHERE dbid = 5;
SELECT dbid FROM del_ns.author WHERE dbid IN (50, 60);
DROP TRIGGER side ON del_ns.author;

-- a core model moved to another table takes on_delete with it
CREATE TABLE public.od_staff2 (dbid bigint PRIMARY KEY, name text);
INSERT INTO public.od_staff VALUES (7, 'gus');
INSERT INTO public.od_staff2 VALUES (7, 'gus again'), (8, 'hal');
INSERT INTO del_ns.author (dbid, name, staff_id) VALUES (70, 'a70', 7);
DELETE FROM public.od_staff WHERE dbid = 0;  -- this session has the old rules cached
SELECT cmodel_register_core_model('OdStaff', 'public.od_staff2', 'dbid');
SELECT tgrelid::regclass AS tbl, tgname FROM pg_catalog.pg_trigger
 WHERE tgrelid IN ('public.od_staff'::regclass, 'public.od_staff2'::regclass)
 ORDER BY tgrelid::regclass::text COLLATE "C", tgname COLLATE "C";
DELETE FROM public.od_staff WHERE dbid = 7;
SELECT count(*) AS author_70_kept FROM del_ns.author WHERE dbid = 70;
DELETE FROM public.od_staff2 WHERE dbid = 7;
SELECT count(*) AS author_70_gone FROM del_ns.author WHERE dbid = 70;
-- and so does the node catalog, which Citus shards read their rules from
SELECT schema_name, table_name, column_name, child_table, child_column, flag
  FROM cmodel.node_catalog WHERE kind = 'r' AND schema_name = 'public'
 ORDER BY table_name COLLATE "C", child_table COLLATE "C", child_column COLLATE "C";
-- it names core tables by name: a renamed or moved one takes its rows along,
-- also when the table's owner, who may only read the catalog, renames it
CREATE ROLE od_core_owner;
GRANT CREATE ON SCHEMA public TO od_core_owner;
ALTER TABLE public.od_staff2 OWNER TO od_core_owner;
SET ROLE od_core_owner;
ALTER TABLE public.od_staff2 RENAME TO od_staff3;
SELECT schema_name, table_name FROM cmodel.node_catalog WHERE kind = 'r' AND child_table = 'author';
RESET ROLE;
CREATE SCHEMA od_elsewhere;
ALTER TABLE public.od_staff3 SET SCHEMA od_elsewhere;
SELECT schema_name, table_name FROM cmodel.node_catalog WHERE kind = 'r' AND child_table = 'author';
ALTER SCHEMA od_elsewhere RENAME TO od_elsewhere2;
SELECT schema_name, table_name FROM cmodel.node_catalog WHERE kind = 'r' AND child_table = 'author';
ALTER TABLE od_elsewhere2.od_staff3 SET SCHEMA public;
ALTER TABLE public.od_staff3 RENAME TO od_staff2;
ALTER TABLE public.od_staff2 OWNER TO CURRENT_USER;
REVOKE CREATE ON SCHEMA public FROM od_core_owner;
DROP ROLE od_core_owner;
DROP SCHEMA od_elsewhere2;
SELECT schema_name, table_name FROM cmodel.node_catalog WHERE kind = 'r' AND child_table = 'author';
-- only plain tables can be core models
CREATE TABLE public.od_parted (dbid bigint PRIMARY KEY) PARTITION BY RANGE (dbid);
CREATE TABLE public.od_inh (dbid bigint PRIMARY KEY);
CREATE TABLE public.od_inh_kid () INHERITS (public.od_inh);
SELECT cmodel_register_core_model('OdParted', 'public.od_parted', 'dbid');
SELECT cmodel_register_core_model('OdInh', 'public.od_inh', 'dbid');
-- a renamed key column stops deletes instead of leaving children behind
INSERT INTO public.od_staff2 VALUES (9, 'ida');
INSERT INTO del_ns.author (dbid, name, staff_id) VALUES (90, 'a90', 9);
ALTER TABLE public.od_staff2 RENAME COLUMN dbid TO id;
DELETE FROM public.od_staff2 WHERE id = 9;
SELECT * FROM cmodel_delete_preview('public.od_staff2', ARRAY[9::bigint]);
ALTER TABLE public.od_staff2 RENAME COLUMN id TO dbid;
DELETE FROM public.od_staff2 WHERE dbid = 9;
SELECT count(*) AS author_90_gone FROM del_ns.author WHERE dbid = 90;

-- the preview reads as its caller: privileges and row security hold
INSERT INTO public.od_staff2 VALUES (10, 'jo'), (11, 'kim');
INSERT INTO del_ns.author (dbid, name, staff_id) VALUES (100, 'a100', 10);
CREATE ROLE od_snoop;
GRANT SELECT ON public.od_staff2 TO od_snoop;
ALTER TABLE public.od_staff2 ENABLE ROW LEVEL SECURITY;
CREATE POLICY only_11 ON public.od_staff2 FOR SELECT USING (dbid = 11);
SET ROLE od_snoop;
SELECT * FROM cmodel_delete_preview('public.od_staff2', ARRAY[10::bigint]);
SELECT * FROM cmodel_delete_preview('public.od_staff2', ARRAY[11::bigint]);
RESET ROLE;
GRANT USAGE ON SCHEMA del_ns TO od_snoop;
GRANT SELECT ON del_ns.author TO od_snoop;
SET ROLE od_snoop;
SELECT * FROM cmodel_delete_preview('public.od_staff2', ARRAY[11::bigint]);
RESET ROLE;

-- preview errors
SELECT * FROM cmodel_delete_preview(NULL, ARRAY[1]);
SELECT * FROM cmodel_delete_preview('del_ns.author', ARRAY[1]);
CREATE TABLE public.od_nokey (a int);
SELECT * FROM cmodel_delete_preview('public.od_nokey', ARRAY[1]);

-- cleanup: removing the extension takes its triggers with it (the hub
-- store goes first: its hub column would keep the extension)
SET cmodel.allow_destructive_ddl = on;
SET client_min_messages TO warning;
DROP TABLE del_ns.cmodel_hubs;
-- after every registration above, the node catalog says what the registry says
SELECT (SELECT count(*) FROM (SELECT * FROM cmodel.node_catalog EXCEPT ALL SELECT * FROM cmodel.node_facts) d) AS extra,
       (SELECT count(*) FROM (SELECT * FROM cmodel.node_facts EXCEPT ALL SELECT * FROM cmodel.node_catalog) d) AS missing,
       (SELECT count(*) FROM cmodel.node_catalog) > 0 AS has_rows;
DROP EXTENSION cmodel;
SELECT count(*) AS cmodel_triggers_left FROM pg_catalog.pg_trigger WHERE tgname LIKE 'cmodel_%';
DROP SCHEMA del_ns CASCADE;
DROP TABLE public.od_staff, public.od_staff2, public.od_nokey, public.od_parted, public.od_inh CASCADE;
DROP FUNCTION del_counts(), public.od_noop(), public.od_side();
DROP ROLE od_deleter;
DROP OWNED BY od_snoop;
DROP ROLE od_snoop;
