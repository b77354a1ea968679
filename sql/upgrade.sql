-- upgrade: install the oldest version, walk the upgrade chain with a
-- namespace in use, and check that the result is what a fresh install of the
-- newest version gives.
CREATE EXTENSION cmodel VERSION '0.1.0';
\set VERBOSITY default
\set SHOW_CONTEXT never
\set item '{"name": "Item", "fields": [{"name": "label", "type": "TextField"}, {"name": "size", "type": "IntegerField", "default": 7}, {"name": "touched", "type": "DateTimeField", "auto_now": true}]}'
\set part '{"name": "Part", "fields": [{"name": "item", "type": "ForeignKey", "to": "Item", "on_delete": "CASCADE"}]}'
SELECT action, object FROM cmodel_register_model('upg_ns', :'item') ORDER BY object COLLATE "C";
SELECT action, object FROM cmodel_register_model('upg_ns', :'part') ORDER BY object COLLATE "C";
INSERT INTO upg_ns.item (label) VALUES ('kept'), ('gone');
INSERT INTO upg_ns.part (item_id) SELECT dbid FROM upg_ns.item;
-- 0.1.0 only tracks changes; nothing stops a drop
SELECT evtname, evtevent FROM pg_catalog.pg_event_trigger ORDER BY evtname COLLATE "C";

ALTER EXTENSION cmodel UPDATE TO '0.2.0';
SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'cmodel';
SELECT evtname, evtevent, evtenabled FROM pg_catalog.pg_event_trigger ORDER BY evtname COLLATE "C";
-- the registry came through: re-registering plans nothing
SELECT count(*) AS actions FROM cmodel_register_model('upg_ns', :'item');
-- error: the namespace is guarded now
DROP TABLE upg_ns.item;
SELECT label FROM upg_ns.item;

-- 0.3.0 gives the registered models their triggers and column defaults
ALTER EXTENSION cmodel UPDATE TO '0.3.0';
SELECT tgrelid::regclass AS tbl, tgname FROM pg_catalog.pg_trigger
 WHERE tgrelid::regclass::text LIKE 'upg_ns.%' ORDER BY tgrelid::regclass::text COLLATE "C", tgname COLLATE "C";
SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid) AS size_default
  FROM pg_catalog.pg_attrdef d JOIN pg_catalog.pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
 WHERE d.adrelid = 'upg_ns.item'::regclass AND a.attname = 'size';
SELECT count(*) AS actions FROM cmodel_register_model('upg_ns', :'item');
INSERT INTO upg_ns.item (label) VALUES ('new');
SELECT label, size, touched IS NOT NULL AS touched FROM upg_ns.item ORDER BY dbid;
DELETE FROM upg_ns.item WHERE label = 'gone';
SELECT count(*) AS parts_left FROM upg_ns.part;

-- an upgraded install has the same objects as a fresh one
CREATE TEMP TABLE upgraded AS
SELECT pg_catalog.pg_describe_object(classid, objid, 0) AS member
  FROM pg_catalog.pg_depend
 WHERE refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass AND deptype = 'e'
   AND refobjid = (SELECT oid FROM pg_catalog.pg_extension WHERE extname = 'cmodel');
SET client_min_messages = warning;
SET cmodel.allow_destructive_ddl = on;
DROP EXTENSION cmodel;
DROP SCHEMA upg_ns CASCADE;
RESET cmodel.allow_destructive_ddl;
RESET client_min_messages;
CREATE EXTENSION cmodel;
SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'cmodel';
CREATE TEMP TABLE fresh AS
SELECT pg_catalog.pg_describe_object(classid, objid, 0) AS member
  FROM pg_catalog.pg_depend
 WHERE refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass AND deptype = 'e'
   AND refobjid = (SELECT oid FROM pg_catalog.pg_extension WHERE extname = 'cmodel');
SELECT count(*) > 0 AS has_members FROM fresh;
SELECT member AS only_upgraded FROM upgraded EXCEPT SELECT member FROM fresh;
SELECT member AS only_fresh FROM fresh EXCEPT SELECT member FROM upgraded;
DROP EXTENSION cmodel;
