-- access: levels per namespace (read, read_write, register) are PostgreSQL
-- privileges; every role x namespace x operation is tried and each cell
-- asserted; the reporting role reads everything, including what is created
-- later; PUBLIC gets nothing; plugin deployers keep to their own models;
-- every name reaching SQL is quoted.
CREATE EXTENSION cmodel;
\set VERBOSITY default
\set SHOW_CONTEXT never
SET client_min_messages = warning;

CREATE SCHEMA acc_core;
CREATE TABLE acc_core.patient (dbid bigint PRIMARY KEY, name text);
SELECT cmodel_register_core_model('Patient', 'acc_core.patient', 'dbid');
\set models '[{"name": "Item", "fields": [{"name": "label", "type": "TextField"}]}, {"name": "Part", "fields": [{"name": "item", "type": "ForeignKey", "to": "Item", "on_delete": "CASCADE"}]}, {"name": "Visit", "fields": [{"name": "patient", "type": "ForeignKey", "to": "Patient", "on_delete": "CASCADE", "related_name": "+"}]}]'
SELECT count(*) > 0 AS registered FROM cmodel_register_models('acc_a', :'models');
SELECT count(*) > 0 AS registered FROM cmodel_register_models('acc_b', :'models');

CREATE ROLE regress_acc_none;
CREATE ROLE regress_acc_read;
CREATE ROLE regress_acc_rw;
CREATE ROLE regress_acc_reg;
CREATE ROLE regress_acc_report;
-- a member of a role with a level has it too (PostgreSQL's inheritance)
CREATE ROLE regress_acc_member IN ROLE regress_acc_rw;

-- levels are granted on namespace acc_a only
SELECT cmodel_grant_access('acc_a', 'regress_acc_read', 'read');
SELECT cmodel_grant_access('acc_a', 'regress_acc_rw', 'read_write');
SELECT cmodel_grant_access('acc_a', 'regress_acc_reg', 'register');
SELECT cmodel_set_reporting_role('regress_acc_report');
SELECT cmodel_reporting_role();
SELECT namespace, role, level, source, role_exists FROM cmodel.access
 ORDER BY namespace COLLATE "C", role COLLATE "C";

-- made after the grants, by hand: a view in each namespace, and a table by
-- a role that is not the extension's owner (ALTER DEFAULT PRIVILEGES would
-- miss it unless it named that role)
CREATE VIEW acc_a.item_labels AS SELECT label FROM acc_a.item;
CREATE VIEW acc_b.item_labels AS SELECT label FROM acc_b.item;
CREATE ROLE regress_acc_maker;
GRANT USAGE, CREATE ON SCHEMA acc_a TO regress_acc_maker;
SET ROLE regress_acc_maker;
CREATE TABLE acc_a.made_by_hand (id bigserial PRIMARY KEY, note text);
RESET ROLE;
INSERT INTO acc_a.item (label) VALUES ('a1');
INSERT INTO acc_b.item (label) VALUES ('b1');

/*
 * acc_try(role, statement): 'ok' or the SQLSTATE the statement raised as
 * that role.  Whatever it did is rolled back (the 'ok' is an exception of
 * its own), so every cell starts from the same data.
 */
CREATE FUNCTION acc_try(r text, stmt text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    BEGIN
        EXECUTE format('SET LOCAL ROLE %I', r);
        EXECUTE stmt;
        RAISE EXCEPTION USING ERRCODE = 'P0009', MESSAGE = 'acc_try rollback';
    EXCEPTION WHEN OTHERS THEN
        IF SQLSTATE = 'P0009' THEN
            RETURN 'ok';
        END IF;
        RETURN SQLSTATE;
    END;
END;
$$;

CREATE TEMP TABLE acc_ops (op text, position int, stmt text);
INSERT INTO acc_ops VALUES
    ('select', 1, 'SELECT count(*) FROM %1$I.item'),
    ('insert', 2, 'INSERT INTO %1$I.item (label) VALUES (''x'')'),
    ('update', 3, 'UPDATE %1$I.item SET label = ''y'''),
    ('delete', 4, 'DELETE FROM %1$I.item'),
    ('truncate', 5, 'TRUNCATE %1$I.part'),
    ('nextval', 6, 'SELECT pg_catalog.nextval(''%1$I.item_dbid_seq'')'),
    ('view', 7, 'SELECT count(*) FROM %1$I.item_labels'),
    ('hand_table', 8, 'SELECT count(*) FROM %1$I.made_by_hand'),
    ('hub_read', 9, 'SELECT cmodel_hub_get(%1$L, ''settings'', ''global'', ''a'')'),
    ('hub_write', 10, 'SELECT cmodel_hub_set(%1$L, ''settings'', ''global'', ''a'', 1)'),
    ('create', 11, 'CREATE TABLE %1$I.extra (x int)'),
    ('alter', 12, 'ALTER TABLE %1$I.item ADD COLUMN extra text'),
    ('drop', 13, 'DROP TABLE %1$I.part'),
    ('register', 14, 'SELECT count(*) FROM cmodel_register_model(%1$L, ''{"name": "Fresh", "fields": []}'')'),
    ('grant', 15, 'SELECT cmodel_grant_access(%1$L, ''regress_acc_none'', ''read'')');
-- acc_b has no hand-made table: that cell reads acc_b.item instead
CREATE TEMP TABLE acc_roles (role text, position int);
INSERT INTO acc_roles VALUES ('regress_acc_none', 1), ('regress_acc_read', 2), ('regress_acc_rw', 3),
    ('regress_acc_member', 4), ('regress_acc_reg', 5), ('regress_acc_report', 6);

CREATE TEMP TABLE acc_cells AS
SELECT r.role, n.ns, o.op, o.position,
       acc_try(r.role, format(CASE WHEN o.op = 'hand_table' AND n.ns = 'acc_b'
                                   THEN 'SELECT count(*) FROM %1$I.item' ELSE o.stmt END, n.ns)) AS result
  FROM acc_roles r CROSS JOIN (VALUES ('acc_a'), ('acc_b')) n (ns) CROSS JOIN acc_ops o;

-- the matrix: a row per role and namespace, a cell per operation
SELECT c.role, c.ns,
       string_agg(c.op || '=' || c.result, ' ' ORDER BY c.position) AS cells
  FROM acc_cells c JOIN acc_roles r USING (role)
 GROUP BY c.role, c.ns, r.position ORDER BY r.position, c.ns;

-- what each cell must be: the level's privileges and nothing else, 42501
-- for everything beyond them and for every cell of acc_b but the reporting
-- role's reads
CREATE TEMP TABLE acc_expected AS
SELECT c.role, c.ns, c.op,
       CASE WHEN c.op IN ('select', 'view', 'hand_table', 'hub_read')
                 AND (c.role = 'regress_acc_report'
                      OR (c.ns = 'acc_a' AND c.role IN ('regress_acc_read', 'regress_acc_rw', 'regress_acc_member', 'regress_acc_reg')))
            THEN 'ok'
            WHEN c.op IN ('insert', 'update', 'delete', 'nextval', 'hub_write')
                 AND c.ns = 'acc_a' AND c.role IN ('regress_acc_rw', 'regress_acc_member', 'regress_acc_reg')
            THEN 'ok'
            WHEN c.op = 'register' AND c.ns = 'acc_a' AND c.role = 'regress_acc_reg'
            THEN 'ok'
            ELSE '42501' END AS result
  FROM acc_cells c;
SELECT count(*) AS cells, count(*) FILTER (WHERE c.result = e.result) AS as_expected
  FROM acc_cells c JOIN acc_expected e USING (role, ns, op);
SELECT c.role, c.ns, c.op, c.result, e.result AS expected
  FROM acc_cells c JOIN acc_expected e USING (role, ns, op)
 WHERE c.result <> e.result;

-- COPY cannot run in PL/pgSQL: its cells, from psql
SET ROLE regress_acc_read;
COPY acc_a.item (label) TO STDOUT;
-- error: 42501
COPY acc_b.item (label) TO STDOUT;
-- error: 42501 (read only)
COPY acc_a.item (label) FROM STDIN;
x
\.
RESET ROLE;
SET ROLE regress_acc_rw;
COPY acc_a.item (label) FROM STDIN;
copied
\.
-- error: 42501
COPY acc_b.item (label) FROM STDIN;
x
\.
SELECT label FROM acc_a.item ORDER BY label;
RESET ROLE;
SET ROLE regress_acc_report;
COPY acc_b.item (label) TO STDOUT;
RESET ROLE;

-- a DELETE a role may run cascades to children it cannot see, in every
-- namespace, as foreign-key actions do
INSERT INTO acc_core.patient VALUES (1, 'p');
INSERT INTO acc_a.visit (patient_id) VALUES (1);
INSERT INTO acc_b.visit (patient_id) VALUES (1);
GRANT USAGE ON SCHEMA acc_core TO regress_acc_rw;
GRANT SELECT, DELETE ON acc_core.patient TO regress_acc_rw;
SET ROLE regress_acc_rw;
-- error: acc_b is not readable
SELECT count(*) FROM acc_b.visit;
DELETE FROM acc_core.patient WHERE dbid = 1;
RESET ROLE;
SELECT (SELECT count(*) FROM acc_a.visit) AS a_visits, (SELECT count(*) FROM acc_b.visit) AS b_visits;
REVOKE ALL ON acc_core.patient FROM regress_acc_rw;
REVOKE ALL ON SCHEMA acc_core FROM regress_acc_rw;

-- the error messages of a denied registration and of DDL the guard would
-- also refuse (its owner gets the guard's own error)
SET ROLE regress_acc_rw;
SELECT count(*) FROM cmodel_register_model('acc_a', '{"name": "Fresh", "fields": []}');
DROP TABLE acc_b.part;
ALTER TABLE acc_a.item DROP COLUMN label;
RESET ROLE;

-- a level changes exactly: read_write down to read takes writing away, and
-- privileges granted by hand on the namespace go with the old level
GRANT TRUNCATE ON acc_a.item TO regress_acc_rw;
SELECT cmodel_grant_access('acc_a', 'regress_acc_rw', 'read');
SELECT has_table_privilege('regress_acc_rw', 'acc_a.item', 'SELECT') AS reads,
       has_table_privilege('regress_acc_rw', 'acc_a.item', 'INSERT') AS inserts,
       has_table_privilege('regress_acc_rw', 'acc_a.item', 'TRUNCATE') AS truncates,
       has_sequence_privilege('regress_acc_rw', 'acc_a.item_dbid_seq', 'USAGE') AS numbers;
SELECT cmodel_revoke_access('acc_a', 'regress_acc_rw') AS revoked;
SELECT cmodel_revoke_access('acc_a', 'regress_acc_rw') AS revoked_again;
SELECT has_schema_privilege('regress_acc_rw', 'acc_a', 'USAGE') AS uses_schema,
       has_table_privilege('regress_acc_rw', 'acc_a.item', 'SELECT') AS reads;

-- the reporting role reads a namespace and a hub store created later, and
-- nothing else: no writes, no registry changes
SELECT count(*) > 0 AS registered FROM cmodel_register_models('acc_later', '[{"name": "Late", "fields": []}]');
SELECT cmodel_hub_set('acc_later', 'settings', 'global', 'seen', true);
SET ROLE regress_acc_report;
SELECT count(*) AS late_rows FROM acc_later.late;
SELECT cmodel_hub_get('acc_later', 'settings', 'global', 'seen') AS seen;
-- error: read only
INSERT INTO acc_later.late DEFAULT VALUES;
-- error: the registry is written by cmodel only
DELETE FROM cmodel.reg_access;
-- error: and only a superuser names the reporting role
SELECT cmodel_set_reporting_role('regress_acc_none');
RESET ROLE;
-- a new reporting role takes over; the old one keeps only its own levels
SELECT cmodel_grant_access('acc_b', 'regress_acc_report', 'read_write');
SELECT cmodel_set_reporting_role('regress_acc_read');
SELECT n.ns, has_table_privilege('regress_acc_report', n.ns || '.item', 'SELECT') AS old_reads,
       has_table_privilege('regress_acc_report', n.ns || '.item', 'INSERT') AS old_writes,
       has_table_privilege('regress_acc_read', n.ns || '.item', 'SELECT') AS new_reads
  FROM (VALUES ('acc_a'), ('acc_b')) n (ns) ORDER BY 1;
SELECT cmodel_set_reporting_role(NULL);
SELECT cmodel_reporting_role() IS NULL AS cleared,
       has_table_privilege('regress_acc_read', 'acc_b.item', 'SELECT') AS read_b,
       has_table_privilege('regress_acc_read', 'acc_a.item', 'SELECT') AS read_a;
SELECT cmodel_set_reporting_role('regress_acc_report');

-- PUBLIC has nothing: no grant to it is taken in a namespace, and default
-- privileges for PUBLIC do not reach a namespace's new tables
-- error: 0A000
GRANT SELECT ON acc_a.item TO PUBLIC;
-- error: 0A000
GRANT USAGE ON SCHEMA acc_a TO PUBLIC;
-- error: 0A000
GRANT SELECT ON ALL TABLES IN SCHEMA acc_a TO PUBLIC;
-- error: 0A000
ALTER DEFAULT PRIVILEGES IN SCHEMA acc_a GRANT SELECT ON TABLES TO PUBLIC;
ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO PUBLIC;
SELECT count(*) > 0 AS registered FROM cmodel_register_model('acc_a', '{"name": "Defaulted", "fields": []}');
CREATE TABLE public.acc_elsewhere (x int);
SELECT c.relname, EXISTS (SELECT 1 FROM aclexplode(c.relacl) a WHERE a.grantee = 0) AS public_has_some
  FROM pg_class c WHERE c.oid IN ('acc_a.defaulted'::regclass, 'public.acc_elsewhere'::regclass)
 ORDER BY 1;
ALTER DEFAULT PRIVILEGES REVOKE SELECT ON TABLES FROM PUBLIC;
DROP TABLE public.acc_elsewhere;
SELECT count(*) AS public_grants
  FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a
 WHERE c.relnamespace IN ('acc_a'::regnamespace, 'acc_b'::regnamespace, 'acc_later'::regnamespace)
   AND a.grantee = 0;

-- a table moved into a namespace gets its grants (and its sequence too),
-- and loses what PUBLIC had on it
CREATE TABLE public.acc_mover (id serial PRIMARY KEY, note text);
GRANT SELECT ON public.acc_mover TO PUBLIC;
ALTER TABLE public.acc_mover SET SCHEMA acc_a;
SELECT has_table_privilege('regress_acc_read', 'acc_a.acc_mover', 'SELECT') AS reader_reads,
       has_table_privilege('regress_acc_reg', 'acc_a.acc_mover', 'INSERT') AS deployer_writes,
       has_sequence_privilege('regress_acc_reg', 'acc_a.acc_mover_id_seq', 'USAGE') AS deployer_numbers,
       EXISTS (SELECT 1 FROM aclexplode((SELECT relacl FROM pg_class WHERE oid = 'acc_a.acc_mover'::regclass)) a
                WHERE a.grantee = 0) AS public_has_some;

-- the delete preview reads as its caller: a child it cannot read is refused
-- (the DELETE itself cascades there, as the child's owner)
GRANT USAGE ON SCHEMA acc_core TO regress_acc_read;
GRANT SELECT ON acc_core.patient TO regress_acc_read;
INSERT INTO acc_core.patient VALUES (2, 'q');
INSERT INTO acc_b.visit (patient_id) VALUES (2);
SET ROLE regress_acc_read;
SELECT * FROM cmodel_delete_preview('acc_core.patient', ARRAY[2::bigint]);
RESET ROLE;
SET ROLE regress_acc_report;
SELECT * FROM cmodel_delete_preview('acc_b.item', ARRAY[1::bigint]);
RESET ROLE;
REVOKE ALL ON acc_core.patient FROM regress_acc_read;
REVOKE ALL ON SCHEMA acc_core FROM regress_acc_read;

-- bad arguments
-- error: 22023
SELECT cmodel_grant_access('acc_a', 'regress_acc_none', 'write');
-- error: 42704
SELECT cmodel_grant_access('acc_a', 'regress_acc_nobody', 'read');
-- error: 42704
SELECT cmodel_set_reporting_role('regress_acc_nobody');
-- error: 22023
SELECT cmodel_grant_access('acc_a', 'public', 'read');
-- error: 3F000
SELECT cmodel_grant_access('acc_nowhere', 'regress_acc_none', 'read');
-- error: 22004
SELECT cmodel_grant_access('acc_a', NULL, 'read');
-- error: 42704
SELECT cmodel_revoke_access('acc_a', 'regress_acc_nobody');
-- error: only an admin of the namespace manages its levels
SET ROLE regress_acc_reg;
SELECT cmodel_grant_access('acc_a', 'regress_acc_reg', 'register');
RESET ROLE;

-- registration rights: CREATE on the database makes namespaces, and their
-- creator gets the register level; plugins keep to their deployers
CREATE ROLE regress_acc_dep1;
CREATE ROLE regress_acc_dep2;
GRANT CREATE ON DATABASE contrib_regression TO regress_acc_dep1;
SET ROLE regress_acc_dep1;
SELECT count(*) > 0 AS registered FROM cmodel_register_models('acc_shared',
    '[{"name": "One", "fields": [{"name": "n", "type": "IntegerField"}]}, {"name": "OneChild", "fields": [{"name": "one", "type": "ForeignKey", "to": "One", "on_delete": "CASCADE"}]}]', 'plugin_one');
RESET ROLE;
REVOKE CREATE ON DATABASE contrib_regression FROM regress_acc_dep1;
SELECT namespace, role, level FROM cmodel.access WHERE namespace = 'acc_shared' AND source = 'grant';
SELECT cmodel_grant_access('acc_shared', 'regress_acc_dep2', 'register');
SET ROLE regress_acc_dep2;
SELECT count(*) > 0 AS registered FROM cmodel_register_models('acc_shared',
    '[{"name": "Two", "fields": []}]', 'plugin_two');
-- error: retiring another plugin's models
SELECT * FROM cmodel_register_models('acc_shared', '[]', 'plugin_one');
-- error: changing one of them under its own plugin, or under none
SELECT * FROM cmodel_register_models('acc_shared', '[{"name": "One", "fields": [{"name": "n", "type": "IntegerField"}, {"name": "m", "type": "IntegerField"}]}]', 'plugin_two');
SELECT * FROM cmodel_register_model('acc_shared', '{"name": "One", "fields": [{"name": "n", "type": "IntegerField"}, {"name": "m", "type": "IntegerField"}]}');
RESET ROLE;
SELECT model, plugin, retired FROM cmodel.models WHERE namespace = 'acc_shared' ORDER BY model COLLATE "C";
SELECT plugin, deployer FROM cmodel.plugins WHERE namespace = 'acc_shared' ORDER BY plugin COLLATE "C";
-- the deployer itself retires its own
SET ROLE regress_acc_dep1;
SELECT action, object FROM cmodel_register_models('acc_shared', '[{"name": "One", "fields": [{"name": "n", "type": "IntegerField"}]}]', 'plugin_one');
RESET ROLE;
-- a plugin a superuser registered has no deployer until it is handed over
SELECT count(*) > 0 AS registered FROM cmodel_register_models('acc_shared', '[{"name": "Three", "fields": []}]', 'plugin_three');
SET ROLE regress_acc_dep2;
-- error: superusers only
SELECT * FROM cmodel_register_models('acc_shared', '[]', 'plugin_three');
RESET ROLE;
SELECT cmodel_set_plugin_deployer('acc_shared', 'plugin_three', 'regress_acc_dep2');
SET ROLE regress_acc_dep2;
SELECT action, object FROM cmodel_register_models('acc_shared', '[]', 'plugin_three');
-- error: a deployer cannot hand plugins over
SELECT cmodel_set_plugin_deployer('acc_shared', 'plugin_one', 'regress_acc_dep2');
RESET ROLE;
-- error: 42704
SELECT cmodel_set_plugin_deployer('acc_shared', 'plugin_nine', 'regress_acc_dep2');

-- quoting: namespaces named by reserved words, roles with quotes, spaces,
-- upper case and reserved words
CREATE ROLE "Regress Acc ""Quoted"" Role";
CREATE ROLE "select";
CREATE ROLE "regress_ACC_Upper";
SELECT count(*) > 0 AS registered FROM cmodel_register_models('order', '[{"name": "Line", "fields": [{"name": "sku", "type": "CharField", "max_length": 20}]}]');
SELECT cmodel_grant_access('order', 'Regress Acc "Quoted" Role', 'read_write');
SELECT cmodel_grant_access('order', 'select', 'read');
SELECT cmodel_grant_access('order', 'regress_ACC_Upper', 'register');
SELECT count(*) > 0 AS registered FROM cmodel_register_models('order', '[{"name": "Line", "fields": [{"name": "sku", "type": "CharField", "max_length": 20}]}, {"name": "Later", "fields": []}]');
SELECT r.role, has_table_privilege(r.role, '"order".line', 'INSERT') AS line_writes,
       has_table_privilege(r.role, '"order".later', 'SELECT') AS later_reads,
       has_table_privilege(r.role, '"order".later', 'INSERT') AS later_writes
  FROM (VALUES ('Regress Acc "Quoted" Role'), ('select'), ('regress_ACC_Upper')) r (role) ORDER BY r.role COLLATE "C";
SET ROLE "regress_ACC_Upper";
SELECT action, object FROM cmodel_register_models('order', '[{"name": "Line", "fields": [{"name": "sku", "type": "CharField", "max_length": 20}]}, {"name": "Later", "fields": []}, {"name": "Upper", "fields": []}]', 'Plugin "Q"');
RESET ROLE;
SELECT plugin, deployer FROM cmodel.plugins WHERE namespace = 'order';
SELECT cmodel_set_reporting_role('Regress Acc "Quoted" Role');
SELECT has_table_privilege('Regress Acc "Quoted" Role', 'acc_b.item', 'SELECT') AS reads_everything;
SELECT cmodel_set_reporting_role(NULL);
SELECT cmodel_revoke_access('order', 'Regress Acc "Quoted" Role') AS revoked;
SELECT has_table_privilege('Regress Acc "Quoted" Role', '"order".line', 'SELECT') AS still_reads;

-- a level follows its role through a rename; a new role of the old name
-- gets nothing, and a dropped role's level is forgotten
CREATE ROLE regress_acc_old;
SELECT cmodel_grant_access('acc_a', 'regress_acc_old', 'read');
ALTER ROLE regress_acc_old RENAME TO regress_acc_renamed;
CREATE ROLE regress_acc_old;
SELECT count(*) > 0 AS registered FROM cmodel_register_model('acc_a', '{"name": "AfterRename", "fields": []}');
SELECT r.role, has_table_privilege(r.role, 'acc_a.afterrename', 'SELECT') AS reads_new,
       has_table_privilege(r.role, 'acc_a.item', 'SELECT') AS reads_old
  FROM (VALUES ('regress_acc_renamed'), ('regress_acc_old')) r (role) ORDER BY r.role COLLATE "C";
SELECT role, level FROM cmodel.access WHERE role LIKE 'regress_acc_old%' OR role = 'regress_acc_renamed';
-- the new role of the old name holds no level: false
SELECT cmodel_revoke_access('acc_a', 'regress_acc_old') AS revoked;
SELECT cmodel_revoke_access('acc_a', 'regress_acc_renamed') AS revoked;
SELECT has_table_privilege('regress_acc_renamed', 'acc_a.item', 'SELECT') AS still_reads;
SELECT cmodel_grant_access('acc_a', 'regress_acc_old', 'read');
DROP OWNED BY regress_acc_old;
DROP ROLE regress_acc_old;
SELECT count(*) AS dropped_rows FROM cmodel.access WHERE NOT role_exists;
SELECT cmodel_grant_access('acc_a', 'regress_acc_renamed', 'read');
SELECT count(*) AS dropped_rows FROM cmodel.access WHERE NOT role_exists;
SELECT cmodel_revoke_access('acc_a', 'regress_acc_renamed') AS revoked;
DROP ROLE regress_acc_renamed;

-- cleanup
SET cmodel.allow_destructive_ddl = on;
DROP SCHEMA acc_a, acc_b, acc_later, acc_shared, "order", acc_core CASCADE;
DROP EXTENSION cmodel;
RESET cmodel.allow_destructive_ddl;
DROP FUNCTION acc_try(text, text);
DROP ROLE regress_acc_none, regress_acc_read, regress_acc_member, regress_acc_rw, regress_acc_reg,
    regress_acc_report, regress_acc_maker, regress_acc_dep1, regress_acc_dep2,
    "Regress Acc ""Quoted"" Role", "select", "regress_ACC_Upper";
