-- upgrade: install the oldest version, walk the upgrade chain with a
-- namespace in use, and check that the result is what a fresh install of the
-- newest version gives, object by object and property by property.
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

-- 0.3.1 gives the plan functions and the preview their true parallel label
-- (PARALLEL UNSAFE: value checks start subtransactions, the preview builds
-- cached rules from the latest snapshot) and makes core_model_moved STRICT
ALTER EXTENSION cmodel UPDATE TO '0.3.1';
SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'cmodel';
SELECT p.oid::pg_catalog.regprocedure AS function, p.provolatile, p.proisstrict, p.proparallel
  FROM pg_catalog.pg_proc p
 WHERE p.proname IN ('cmodel_plan_model', 'cmodel_plan_models', 'cmodel_delete_preview', 'core_model_moved')
   AND p.pronamespace IN ('public'::pg_catalog.regnamespace, 'cmodel'::pg_catalog.regnamespace)
 ORDER BY p.oid::pg_catalog.regprocedure::text COLLATE "C";
-- and they now run under force_parallel_mode: a plan that checks a changed
-- default, a preview through the CASCADE child
SET force_parallel_mode = on;
SELECT action, object, statement FROM cmodel_plan_model('upg_ns',
    '{"name": "Item", "fields": [{"name": "label", "type": "TextField"}, {"name": "size", "type": "IntegerField", "default": 8}, {"name": "touched", "type": "DateTimeField", "auto_now": true}]}');
SELECT * FROM cmodel_delete_preview('upg_ns.item', ARRAY[1::bigint]);
RESET force_parallel_mode;
-- a NULL argument no longer reaches the C function
SELECT cmodel.core_model_moved(NULL, NULL) IS NULL AS strict_null;

-- 0.4.0 adds the attribute hub type
ALTER EXTENSION cmodel UPDATE TO '0.4.0';
SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'cmodel';
SELECT cmodel.hub_set(cmodel.hub_set(NULL, 'since', '2024-02-29'::date), 'visits', 12) AS hub;
SELECT cmodel.hub_get('{"since": "2024-02-29", "$types": {"since": "date"}}', 'since', NULL::date) AS since;

-- 0.5.0 gives every namespace its hub store: upg_ns, made at 0.1.0, gets
-- one with its write trigger, not as a member of the extension (pg_dump
-- keeps it, DROP EXTENSION does not take it), and its functions work
SELECT pg_catalog.to_regclass('upg_ns.cmodel_hubs') IS NULL AS no_store_yet;
ALTER EXTENSION cmodel UPDATE TO '0.5.0';
SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'cmodel';
SELECT c.relname, pg_catalog.pg_get_userbyid(c.relowner) = current_user AS owned_by_updater,
       EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid
                  AND d.deptype = 'e') AS extension_member,
       ARRAY(SELECT t.tgname FROM pg_catalog.pg_trigger t WHERE t.tgrelid = c.oid ORDER BY 1) AS triggers,
       ARRAY(SELECT i.indexrelid::pg_catalog.regclass::text FROM pg_catalog.pg_index i
              WHERE i.indrelid = c.oid ORDER BY 1) AS indexes
  FROM pg_catalog.pg_class c WHERE c.oid = 'upg_ns.cmodel_hubs'::pg_catalog.regclass;
SELECT cmodel_hub_set('upg_ns', 'settings', 'global', 'since', '2024-02-29'::date);
SELECT cmodel_hub_get('upg_ns', 'settings', 'global', 'since', NULL::date) AS since;
-- registering again plans no second store
SELECT action, object FROM cmodel_plan_model('upg_ns',
    '{"name": "Item", "fields": [{"name": "label", "type": "TextField"}, {"name": "size", "type": "IntegerField", "default": 8}, {"name": "touched", "type": "DateTimeField", "auto_now": true}]}');

-- 0.6.0 gives namespaces access levels: the namespace made at 0.1.0 takes
-- grants on its tables and hub store, registration runs as its caller, and
-- a table made later gets the grants at creation
ALTER EXTENSION cmodel UPDATE TO '0.6.0';
SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'cmodel';
CREATE ROLE regress_upg_reader;
SELECT cmodel_grant_access('upg_ns', 'regress_upg_reader', 'read');
SELECT action, object FROM cmodel_register_model('upg_ns', '{"name": "Later", "fields": []}');
SELECT c.relname, pg_catalog.has_table_privilege('regress_upg_reader', c.oid, 'SELECT') AS reads,
       pg_catalog.has_table_privilege('regress_upg_reader', c.oid, 'INSERT') AS writes
  FROM pg_catalog.pg_class c
 WHERE c.relnamespace = 'upg_ns'::pg_catalog.regnamespace AND c.relkind = 'r'
 ORDER BY c.relname COLLATE "C";
SELECT p.oid::pg_catalog.regprocedure AS function, p.prosecdef, p.proacl IS NULL AS default_acl
  FROM pg_catalog.pg_proc p
 WHERE p.proname IN ('cmodel_register_model', 'cmodel_register_models', 'cmodel_create_namespace')
 ORDER BY p.oid::pg_catalog.regprocedure::text COLLATE "C";

-- 0.7.0 locks the registry: a hand-made DELETE is refused, cmodel's own
-- writes still go through, and the core model moves its relations along
ALTER EXTENSION cmodel UPDATE TO '0.7.0';
SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'cmodel';
DELETE FROM cmodel.reg_model WHERE namespace = 'upg_ns';
SELECT action, object FROM cmodel_register_model('upg_ns', '{"name": "Latest", "fields": []}');
SELECT count(*) AS models FROM cmodel.reg_model WHERE namespace = 'upg_ns' AND NOT retired;

-- 0.8.0 makes cmodel's triggers on existing tables fire ALWAYS (replica
-- mode no longer skips them), gives each delete trigger its row twin for
-- apply workers (REPLICA) and adds the registry's row lock.  Triggers
-- made before 0.8.0 fired ORIGIN; this library makes them ALWAYS, so a
-- superuser puts two back the way 0.7.0 left them (break-glass).
SET cmodel.allow_destructive_ddl = on;
ALTER TABLE upg_ns.item ENABLE TRIGGER cmodel_on_delete;
ALTER TABLE upg_ns.part ENABLE TRIGGER cmodel_write;
RESET cmodel.allow_destructive_ddl;
SELECT tg.tgrelid::pg_catalog.regclass AS tbl, tg.tgname, tg.tgenabled
  FROM pg_catalog.pg_trigger tg
 WHERE tg.tgname IN ('cmodel_write', 'cmodel_on_delete', 'cmodel_on_truncate')
 ORDER BY tg.tgrelid::pg_catalog.regclass::text COLLATE "C", tg.tgname COLLATE "C";
ALTER EXTENSION cmodel UPDATE TO '0.8.0';
SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'cmodel';
SELECT tg.tgrelid::pg_catalog.regclass AS tbl, tg.tgname, tg.tgenabled
  FROM pg_catalog.pg_trigger tg
 WHERE tg.tgname IN ('cmodel_write', 'cmodel_on_delete', 'cmodel_on_truncate', 'cmodel_on_delete_row')
 ORDER BY tg.tgrelid::pg_catalog.regclass::text COLLATE "C", tg.tgname COLLATE "C";

-- 0.9.0 adds the node catalog (the rules by table name that Citus shards
-- read), filled from the registry by the update: the same rows as
-- cmodel.node_facts derives, none missing, none extra
ALTER EXTENSION cmodel UPDATE TO '0.9.0';
SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'cmodel';
SELECT kind, schema_name, table_name, column_name, child_table, child_column, flag
  FROM cmodel.node_catalog WHERE namespace = 'upg_ns'
 ORDER BY kind, table_name COLLATE "C", column_name COLLATE "C", child_table COLLATE "C";
SELECT (SELECT count(*) FROM (SELECT * FROM cmodel.node_catalog EXCEPT ALL SELECT * FROM cmodel.node_facts) d) AS extra,
       (SELECT count(*) FROM (SELECT * FROM cmodel.node_facts EXCEPT ALL SELECT * FROM cmodel.node_catalog) d) AS missing;

-- 0.10.0 gives every namespace a rule set: the ones made before keep
-- Canvas's, and a new one can choose Django's
ALTER EXTENSION cmodel UPDATE TO '0.10.0';
SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'cmodel';
SELECT namespace, rules FROM cmodel.namespaces ORDER BY namespace COLLATE "C";
SELECT cmodel_create_namespace('upg_django', 'django');
SELECT action, object, statement FROM cmodel_register_model('upg_django',
    '{"name": "Code", "fields": [{"name": "code", "type": "CharField", "max_length": 8, "primary_key": true}]}');
SELECT namespace, rules FROM cmodel.namespaces ORDER BY namespace COLLATE "C";

-- an upgraded install has the same objects as a fresh one, with the same
-- properties.  cmodel_objects lists every member of the extension as rows
-- (kind, identity, property=value): types, casts and operators; functions
-- with their labels, arguments, body, ACL and comment; tables with their
-- columns, constraints, indexes, triggers, ACL, comment and whether pg_dump
-- keeps their rows; views,
-- sequences, the schema, the event triggers.  No OIDs, and ACLs write the
-- owner as "owner".
CREATE TEMP VIEW cmodel_objects (kind, identity, property) AS
WITH ext AS (
    SELECT e.oid, e.extversion, e.extrelocatable, e.extnamespace, e.extconfig, e.extcondition
      FROM pg_catalog.pg_extension e WHERE e.extname = 'cmodel'
), member AS (
    SELECT d.classid, d.objid, o.type AS kind, o.identity
      FROM pg_catalog.pg_depend d
      JOIN ext ON d.refobjid = ext.oid
     CROSS JOIN LATERAL pg_catalog.pg_identify_object(d.classid, d.objid, 0) o
     WHERE d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass AND d.deptype = 'e'
), config AS (
    SELECT c.tbl, c.cond FROM ext CROSS JOIN LATERAL ROWS FROM (pg_catalog.unnest(ext.extconfig), pg_catalog.unnest(ext.extcondition)) AS c (tbl, cond)
), acl AS (
    -- every member with privileges, its ACL with the owner written as "owner"
    SELECT m.kind, m.identity, x.acl, x.owner
      FROM member m
      JOIN (SELECT 'pg_catalog.pg_proc'::pg_catalog.regclass, p.oid, p.proacl, p.proowner FROM pg_catalog.pg_proc p
            UNION ALL
            SELECT 'pg_catalog.pg_class'::pg_catalog.regclass, c.oid, c.relacl, c.relowner FROM pg_catalog.pg_class c
            UNION ALL
            SELECT 'pg_catalog.pg_namespace'::pg_catalog.regclass, n.oid, n.nspacl, n.nspowner FROM pg_catalog.pg_namespace n
           ) x (classid, objid, acl, owner) ON x.classid = m.classid AND x.objid = m.objid
), rel AS (
    SELECT m.kind, m.identity, c.* FROM member m JOIN pg_catalog.pg_class c ON c.oid = m.objid
     WHERE m.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
), fn AS (
    SELECT m.kind, m.identity, p.* FROM member m JOIN pg_catalog.pg_proc p ON p.oid = m.objid
     WHERE m.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
)
-- the extension itself
SELECT 'extension', 'cmodel', 'version=' || ext.extversion FROM ext
UNION ALL SELECT 'extension', 'cmodel', 'schema=' || pg_catalog.quote_ident(n.nspname)
  FROM ext JOIN pg_catalog.pg_namespace n ON n.oid = ext.extnamespace
UNION ALL SELECT 'extension', 'cmodel', 'relocatable=' || ext.extrelocatable FROM ext
-- every member, with its comment; and its ACL where it has one
UNION ALL SELECT m.kind, m.identity, 'member' FROM member m
UNION ALL SELECT m.kind, m.identity, 'comment=' || COALESCE(pg_catalog.quote_literal(d.description), 'none')
  FROM member m LEFT JOIN pg_catalog.pg_description d
    ON d.classoid = m.classid AND d.objoid = m.objid AND d.objsubid = 0
UNION ALL SELECT a.kind, a.identity, 'acl=' || CASE WHEN a.acl IS NULL THEN 'default' ELSE COALESCE(
        (SELECT pg_catalog.string_agg(g.item, ',' ORDER BY g.item COLLATE "C")
           FROM (SELECT pg_catalog.format('%s:%s%s/%s',
                            CASE x.grantee WHEN 0 THEN 'PUBLIC' WHEN a.owner THEN 'owner'
                                 ELSE pg_catalog.pg_get_userbyid(x.grantee)::text END,
                            x.privilege_type, CASE WHEN x.is_grantable THEN '*' ELSE '' END,
                            CASE x.grantor WHEN a.owner THEN 'owner' ELSE pg_catalog.pg_get_userbyid(x.grantor)::text END)
                   FROM pg_catalog.aclexplode(a.acl) x) g (item)), 'none') END
  FROM acl a
-- functions: labels, arguments with names and defaults, body
UNION ALL SELECT f.kind, f.identity, v.property
  FROM fn f
  JOIN pg_catalog.pg_language l ON l.oid = f.prolang
 CROSS JOIN LATERAL (VALUES
    ('prokind=' || f.prokind::text),
    ('arguments=' || pg_catalog.pg_get_function_arguments(f.oid)),
    ('returns=' || pg_catalog.pg_get_function_result(f.oid)),
    ('language=' || l.lanname),
    ('volatility=' || f.provolatile::text),
    ('strict=' || f.proisstrict),
    ('parallel=' || f.proparallel::text),
    ('security_definer=' || f.prosecdef),
    ('leakproof=' || f.proleakproof),
    ('config=' || COALESCE(f.proconfig::text, 'none')),
    ('cost=' || f.procost),
    ('rows=' || f.prorows),
    ('support=' || f.prosupport::pg_catalog.regproc::text),
    (CASE WHEN l.lanname = 'c' THEN 'symbol=' || f.prosrc || ' in ' || f.probin
          ELSE 'body_md5=' || pg_catalog.md5(COALESCE(pg_catalog.pg_get_function_sqlbody(f.oid), f.prosrc)) END),
    ('definition_md5=' || pg_catalog.md5(pg_catalog.pg_get_functiondef(f.oid)))
 ) v (property)
-- tables, views and sequences
UNION ALL SELECT r.kind, r.identity, v.property
  FROM rel r
 CROSS JOIN LATERAL (VALUES
    ('relkind=' || r.relkind::text),
    ('persistence=' || r.relpersistence::text),
    ('options=' || COALESCE(r.reloptions::text, 'none')),
    ('row_security=' || r.relrowsecurity || '/' || r.relforcerowsecurity),
    ('config_dump=' || COALESCE((SELECT pg_catalog.string_agg(pg_catalog.quote_literal(c.cond), ',')
                                   FROM config c WHERE c.tbl = r.oid), 'no'))
 ) v (property)
-- columns in order: type, NOT NULL, default, collation, identity, generated
UNION ALL SELECT r.kind, r.identity,
       pg_catalog.format('column %s %I=%s%s%s%s%s%s',
           pg_catalog.lpad((pg_catalog.row_number() OVER (PARTITION BY r.oid ORDER BY a.attnum))::text, 2, '0'),
           a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod),
           CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END,
           COALESCE(' DEFAULT ' || pg_catalog.pg_get_expr(ad.adbin, ad.adrelid), ''),
           CASE WHEN a.attcollation <> t.typcollation THEN ' COLLATE ' || a.attcollation::pg_catalog.regcollation::text ELSE '' END,
           CASE WHEN a.attidentity <> '' THEN ' IDENTITY ' || a.attidentity::text ELSE '' END,
           CASE WHEN a.attgenerated <> '' THEN ' GENERATED ' || a.attgenerated::text ELSE '' END)
  FROM rel r
  JOIN pg_catalog.pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
  JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
  LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
 WHERE r.relkind IN ('r', 'p', 'v', 'm', 'f')
UNION ALL SELECT r.kind, r.identity, pg_catalog.format('column %I comment=%L', a.attname, d.description)
  FROM rel r
  JOIN pg_catalog.pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
  JOIN pg_catalog.pg_description d ON d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass
   AND d.objoid = r.oid AND d.objsubid = a.attnum
-- constraints, indexes, triggers (not the internal ones of a foreign key,
-- whose names carry OIDs: the constraint stands for them), policies
UNION ALL SELECT r.kind, r.identity, pg_catalog.format('constraint %I=%s', c.conname, pg_catalog.pg_get_constraintdef(c.oid))
  FROM rel r JOIN pg_catalog.pg_constraint c ON c.conrelid = r.oid
UNION ALL SELECT r.kind, r.identity, pg_catalog.format('index %I=%s', i.relname, pg_catalog.pg_get_indexdef(i.oid))
  FROM rel r JOIN pg_catalog.pg_index x ON x.indrelid = r.oid JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
UNION ALL SELECT r.kind, r.identity, pg_catalog.format('trigger %I=%s enabled=%s', t.tgname, pg_catalog.pg_get_triggerdef(t.oid), t.tgenabled)
  FROM rel r JOIN pg_catalog.pg_trigger t ON t.tgrelid = r.oid AND NOT t.tgisinternal
UNION ALL SELECT r.kind, r.identity, pg_catalog.format('policy %I=%s %s to %s using %s check %s', p.polname, p.polcmd,
           CASE WHEN p.polpermissive THEN 'permissive' ELSE 'restrictive' END,
           (SELECT pg_catalog.string_agg(CASE WHEN u.u = 0 THEN 'PUBLIC' ELSE pg_catalog.pg_get_userbyid(u.u)::text END, ',' ORDER BY 1)
              FROM pg_catalog.unnest(p.polroles) u (u)),
           pg_catalog.pg_get_expr(p.polqual, p.polrelid), pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid))
  FROM rel r JOIN pg_catalog.pg_policy p ON p.polrelid = r.oid
UNION ALL SELECT r.kind, r.identity, pg_catalog.format('rule %I=%s', w.rulename, pg_catalog.pg_get_ruledef(w.oid))
  FROM rel r JOIN pg_catalog.pg_rewrite w ON w.ev_class = r.oid AND w.rulename <> '_RETURN'
-- views: the query
UNION ALL SELECT r.kind, r.identity, 'definition=' || pg_catalog.regexp_replace(pg_catalog.pg_get_viewdef(r.oid), '\s+', ' ', 'g')
  FROM rel r WHERE r.relkind IN ('v', 'm')
-- sequences: type and numbers, the column that owns them
UNION ALL SELECT r.kind, r.identity, pg_catalog.format('sequence=%s start %s increment %s min %s max %s cache %s cycle %s',
           s.seqtypid::pg_catalog.regtype, s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle)
  FROM rel r JOIN pg_catalog.pg_sequence s ON s.seqrelid = r.oid
UNION ALL SELECT r.kind, r.identity, 'owned_by=' || pg_catalog.pg_describe_object(d.refclassid, d.refobjid, d.refobjsubid)
  FROM rel r JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = r.oid
   AND d.deptype IN ('a', 'i') AND d.refobjsubid > 0
 WHERE r.relkind = 'S'
-- types: storage, category and I/O functions
UNION ALL SELECT m.kind, m.identity, v.property
  FROM member m
  JOIN pg_catalog.pg_type t ON m.classid = 'pg_catalog.pg_type'::pg_catalog.regclass AND t.oid = m.objid
 CROSS JOIN LATERAL (VALUES
    ('typlen=' || t.typlen),
    ('typalign=' || t.typalign::text),
    ('typstorage=' || t.typstorage::text),
    ('typcategory=' || t.typcategory::text),
    ('io=' || pg_catalog.concat_ws(' ', t.typinput::pg_catalog.regprocedure, t.typoutput::pg_catalog.regprocedure,
                                   t.typreceive::pg_catalog.regprocedure, t.typsend::pg_catalog.regprocedure))
 ) v (property)
-- casts: context, method, function
UNION ALL SELECT m.kind, m.identity, pg_catalog.format('context=%s method=%s function=%s', c.castcontext, c.castmethod,
           CASE WHEN c.castfunc = 0 THEN 'none' ELSE c.castfunc::pg_catalog.regprocedure::text END)
  FROM member m
  JOIN pg_catalog.pg_cast c ON m.classid = 'pg_catalog.pg_cast'::pg_catalog.regclass AND c.oid = m.objid
-- operators: result, function, commutator, negator
UNION ALL SELECT m.kind, m.identity, pg_catalog.format('result=%s function=%s commutator=%s negator=%s',
           o.oprresult::pg_catalog.regtype, o.oprcode::pg_catalog.regprocedure,
           o.oprcom::pg_catalog.regoperator, o.oprnegate::pg_catalog.regoperator)
  FROM member m
  JOIN pg_catalog.pg_operator o ON m.classid = 'pg_catalog.pg_operator'::pg_catalog.regclass AND o.oid = m.objid
-- event triggers: event, enabled state, function, tags
UNION ALL SELECT m.kind, m.identity, v.property
  FROM member m
  JOIN pg_catalog.pg_event_trigger e ON m.classid = 'pg_catalog.pg_event_trigger'::pg_catalog.regclass AND e.oid = m.objid
 CROSS JOIN LATERAL (VALUES
    ('event=' || e.evtevent),
    ('enabled=' || e.evtenabled::text),
    ('function=' || (pg_catalog.pg_identify_object('pg_catalog.pg_proc'::pg_catalog.regclass, e.evtfoid, 0)).identity),
    ('tags=' || COALESCE(e.evttags::text, 'all'))
 ) v (property);

CREATE TEMP TABLE upgraded AS SELECT * FROM cmodel_objects;
SET client_min_messages = warning;
SET cmodel.allow_destructive_ddl = on;
-- the store's hub column holds the extension while the namespace exists
DROP EXTENSION cmodel;
DROP SCHEMA upg_ns, upg_django CASCADE;
DROP EXTENSION cmodel;
RESET cmodel.allow_destructive_ddl;
RESET client_min_messages;
CREATE EXTENSION cmodel;
SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'cmodel';
CREATE TEMP TABLE fresh AS SELECT * FROM cmodel_objects;
-- what was compared: every kind of member, and as many rows on both sides
SELECT kind, count(DISTINCT identity) AS objects, count(*) AS rows
  FROM fresh GROUP BY kind ORDER BY kind COLLATE "C";
SELECT (SELECT count(*) FROM upgraded) AS upgraded_rows, (SELECT count(*) FROM fresh) AS fresh_rows;
-- each must be empty
SELECT kind, identity, property AS only_upgraded
  FROM (SELECT * FROM upgraded EXCEPT ALL SELECT * FROM fresh) d
 ORDER BY kind COLLATE "C", identity COLLATE "C", property COLLATE "C";
SELECT kind, identity, property AS only_fresh
  FROM (SELECT * FROM fresh EXCEPT ALL SELECT * FROM upgraded) d
 ORDER BY kind COLLATE "C", identity COLLATE "C", property COLLATE "C";
DROP EXTENSION cmodel;
DROP ROLE regress_upg_reader;
