/* cmodel--0.5.0--0.6.0.sql: access levels per namespace, the reporting role,
 * plugin deployers, grants at creation; registration runs as its caller */

\echo Use "ALTER EXTENSION cmodel UPDATE TO '0.6.0'" to load this file. \quit

ALTER TABLE cmodel.reg_plugin ADD COLUMN deployer pg_catalog.regrole;
COMMENT ON TABLE cmodel.reg_plugin IS 'Hash of the model set each plugin last registered, and the role that deploys it (NULL: superusers only)';

/*
 * Access levels: read < read_write < register.  Roles are regrole, so a
 * level follows its role through ALTER ROLE ... RENAME, and pg_dump writes
 * the name, which pg_restore reads back as the role of that name.  The
 * privileges themselves are ordinary GRANTs on the namespace's schema and
 * relations, which cmodel gives at grant time and to every relation
 * created later (grants.c).
 */
CREATE TABLE cmodel.reg_access (
    namespace text NOT NULL,
    role pg_catalog.regrole NOT NULL,
    level text NOT NULL CHECK (level IN ('read', 'read_write', 'register')),
    granted_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    PRIMARY KEY (namespace, role)
);
COMMENT ON TABLE cmodel.reg_access IS 'Access levels of roles on namespaces (read, read_write, register)';

/* The reporting role: read on every namespace.  At most one row. */
CREATE TABLE cmodel.reg_reporting (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    role pg_catalog.regrole NOT NULL,
    set_at timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE cmodel.reg_reporting IS 'The reporting role, which reads every namespace';

SELECT pg_catalog.pg_extension_config_dump('cmodel.reg_access', '');
SELECT pg_catalog.pg_extension_config_dump('cmodel.reg_reporting', '');

CREATE OR REPLACE VIEW cmodel.plugins AS
SELECT p.namespace, p.plugin, p.models_hash, p.updated_at,
       pg_catalog.pg_get_userbyid(p.deployer) AS deployer
  FROM cmodel.reg_plugin p;
COMMENT ON VIEW cmodel.plugins IS 'Model-set hash each plugin last registered, for readiness checks, and the role that deploys it';

/* ------------------------------------------------------------------------
 * Access: levels per namespace, the reporting role, plugin deployers
 *
 * Each runs as its caller and checks who that is (access.c): a superuser,
 * or for a namespace's levels and deployers a role with the privileges of
 * the namespace schema's owner.  Not STRICT: NULL arguments are an error.
 * ------------------------------------------------------------------------
 */
CREATE FUNCTION @extschema@.cmodel_grant_access(namespace text, role text, level text)
RETURNS void
LANGUAGE C
VOLATILE
CALLED ON NULL INPUT
PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'cmodel_grant_access';
COMMENT ON FUNCTION @extschema@.cmodel_grant_access(text, text, text) IS
'Give a role exactly this level on a namespace (read, read_write or register), now and on every relation created later';

CREATE FUNCTION @extschema@.cmodel_revoke_access(namespace text, role text)
RETURNS boolean
LANGUAGE C
VOLATILE
CALLED ON NULL INPUT
PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'cmodel_revoke_access';
COMMENT ON FUNCTION @extschema@.cmodel_revoke_access(text, text) IS
'Take a role''s level on a namespace away (and its privileges there); false when it had none';

/* NULL clears the reporting role. */
CREATE FUNCTION @extschema@.cmodel_set_reporting_role(role text)
RETURNS void
LANGUAGE C
VOLATILE
CALLED ON NULL INPUT
PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'cmodel_set_reporting_role';
COMMENT ON FUNCTION @extschema@.cmodel_set_reporting_role(text) IS
'Name the role that reads every namespace, including tables and hub stores created later (NULL: none)';

CREATE FUNCTION @extschema@.cmodel_reporting_role()
RETURNS text
LANGUAGE sql
STABLE
PARALLEL SAFE
AS $$ SELECT pg_catalog.pg_get_userbyid(r.role) FROM cmodel.reg_reporting r $$;
COMMENT ON FUNCTION @extschema@.cmodel_reporting_role() IS
'The reporting role, or NULL';

CREATE FUNCTION @extschema@.cmodel_set_plugin_deployer(namespace text, plugin text, role text)
RETURNS void
LANGUAGE C
VOLATILE
CALLED ON NULL INPUT
PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'cmodel_set_plugin_deployer';
COMMENT ON FUNCTION @extschema@.cmodel_set_plugin_deployer(text, text, text) IS
'Hand a plugin of a namespace to the role that may register it from now on (NULL: superusers only)';

CREATE VIEW cmodel.access AS
SELECT a.namespace, pg_catalog.pg_get_userbyid(a.role) AS role, a.level, 'grant'::text AS source,
       a.granted_at, EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.oid = a.role) AS role_exists
  FROM cmodel.reg_access a
UNION ALL
SELECT n.namespace, pg_catalog.pg_get_userbyid(r.role), 'read'::text, 'reporting'::text, r.set_at,
       EXISTS (SELECT 1 FROM pg_catalog.pg_roles o WHERE o.oid = r.role)
  FROM cmodel.reg_namespace n CROSS JOIN cmodel.reg_reporting r;
COMMENT ON VIEW cmodel.access IS 'Who may do what on each namespace: granted levels and the reporting role''s read';

/*
 * Every relation and schema created in a namespace gets the namespace's
 * grants when it is created, whoever creates it (and PUBLIC nothing).
 */
CREATE FUNCTION cmodel.grant_new_objects()
RETURNS event_trigger
LANGUAGE c
VOLATILE
PARALLEL UNSAFE
AS 'MODULE_PATHNAME', 'cmodel_grant_new_objects';
COMMENT ON FUNCTION cmodel.grant_new_objects() IS
'Event trigger (ddl_command_end): give new namespace relations the namespace''s grants, and PUBLIC nothing';
CREATE EVENT TRIGGER cmodel_grant_new_objects ON ddl_command_end
    WHEN TAG IN ('CREATE SCHEMA', 'CREATE TABLE', 'CREATE TABLE AS', 'SELECT INTO', 'CREATE VIEW',
                 'CREATE MATERIALIZED VIEW', 'CREATE SEQUENCE', 'CREATE FOREIGN TABLE',
                 'IMPORT FOREIGN SCHEMA', 'CREATE INDEX', 'ALTER TABLE', 'ALTER SEQUENCE', 'ALTER VIEW',
                 'ALTER MATERIALIZED VIEW', 'ALTER FOREIGN TABLE')
    EXECUTE FUNCTION cmodel.grant_new_objects();
ALTER EVENT TRIGGER cmodel_grant_new_objects ENABLE ALWAYS;
COMMENT ON EVENT TRIGGER cmodel_grant_new_objects IS
'cmodel access: new namespace relations get the namespace''s grants at creation';
REVOKE ALL ON FUNCTION cmodel.grant_new_objects() FROM PUBLIC;

/*
 * Registration runs as its caller, who needs the register level on the
 * namespace (CREATE on the database for a new one); the DDL itself runs as
 * the extension's owner.  The functions are made again, so that they are
 * SECURITY INVOKER with the default EXECUTE for PUBLIC, as a fresh install
 * has them.  Roles that were granted EXECUTE to deploy need the register
 * level now (README, Upgrading).
 */
DROP FUNCTION @extschema@.cmodel_register_models(text, jsonb, text);
DROP FUNCTION @extschema@.cmodel_register_model(text, jsonb);
DROP FUNCTION @extschema@.cmodel_register_models(text, text, text);
DROP FUNCTION @extschema@.cmodel_register_models(text, json, text);
DROP FUNCTION @extschema@.cmodel_register_model(text, text);
DROP FUNCTION @extschema@.cmodel_register_model(text, json);
DROP FUNCTION @extschema@.cmodel_create_namespace(text);

CREATE FUNCTION @extschema@.cmodel_create_namespace(namespace text)
RETURNS void
LANGUAGE C
VOLATILE
CALLED ON NULL INPUT
PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'cmodel_create_namespace';
COMMENT ON FUNCTION @extschema@.cmodel_create_namespace(text) IS
'Create a plugin namespace (a schema owned by the registry); does nothing if it exists';

CREATE FUNCTION @extschema@.cmodel_register_model(namespace text, descriptor json)
RETURNS TABLE (action text, object text, statement text)
LANGUAGE C
VOLATILE
CALLED ON NULL INPUT
PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'cmodel_register_model';
COMMENT ON FUNCTION @extschema@.cmodel_register_model(text, json) IS
'Validate a model descriptor, record it and create or extend its table additively; one row per action';

CREATE FUNCTION @extschema@.cmodel_register_model(namespace text, descriptor text)
RETURNS TABLE (action text, object text, statement text)
LANGUAGE C
VOLATILE
CALLED ON NULL INPUT
PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'cmodel_register_model';
COMMENT ON FUNCTION @extschema@.cmodel_register_model(text, text) IS
'Validate a model descriptor given as text, record it and create or extend its table additively';

CREATE FUNCTION @extschema@.cmodel_register_models(namespace text, descriptors json, plugin text DEFAULT NULL)
RETURNS TABLE (action text, object text, statement text)
LANGUAGE C
VOLATILE
CALLED ON NULL INPUT
PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'cmodel_register_models';
COMMENT ON FUNCTION @extschema@.cmodel_register_models(text, json, text) IS
'Register an array of model descriptors all or nothing; with a plugin, record its hash, retire its dropped models and notify';

CREATE FUNCTION @extschema@.cmodel_register_models(namespace text, descriptors text, plugin text DEFAULT NULL)
RETURNS TABLE (action text, object text, statement text)
LANGUAGE C
VOLATILE
CALLED ON NULL INPUT
PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'cmodel_register_models';
COMMENT ON FUNCTION @extschema@.cmodel_register_models(text, text, text) IS
'Register an array of model descriptors given as text, all or nothing';

CREATE FUNCTION @extschema@.cmodel_register_model(namespace text, descriptor jsonb)
RETURNS TABLE (action text, object text, statement text)
LANGUAGE sql
VOLATILE
CALLED ON NULL INPUT
PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT * FROM @extschema@.cmodel_register_model($1, ($2)::pg_catalog.text) $$;
COMMENT ON FUNCTION @extschema@.cmodel_register_model(text, jsonb) IS
'Validate a jsonb model descriptor, record it and create or extend its table additively';

CREATE FUNCTION @extschema@.cmodel_register_models(namespace text, descriptors jsonb, plugin text DEFAULT NULL)
RETURNS TABLE (action text, object text, statement text)
LANGUAGE sql
VOLATILE
CALLED ON NULL INPUT
PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT * FROM @extschema@.cmodel_register_models($1, ($2)::pg_catalog.text, $3) $$;
COMMENT ON FUNCTION @extschema@.cmodel_register_models(text, jsonb, text) IS
'Register a jsonb array of model descriptors, all or nothing';

/* On a hot standby, cmodel's own error rather than PostgreSQL's. */
CREATE OR REPLACE FUNCTION @extschema@.cmodel_register_core_model(name text, tbl pg_catalog.regclass, key_column name)
RETURNS void
LANGUAGE plpgsql
VOLATILE
CALLED ON NULL INPUT
PARALLEL UNSAFE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    kind "char";
    persistence "char";
    tbl_schema name;
    old_tbl oid;
    rel record;
BEGIN
    IF pg_catalog.pg_is_in_recovery() OR pg_catalog.current_setting('transaction_read_only')::boolean THEN
        RAISE EXCEPTION 'cannot register core model "%" %', $1,
                        CASE WHEN pg_catalog.pg_is_in_recovery() THEN 'on a hot standby' ELSE 'in a read-only transaction' END
            USING ERRCODE = 'read_only_sql_transaction',
                  DETAIL = 'It writes cmodel''s registry and the table''s triggers; a standby accepts no changes of its own.',
                  HINT = 'Run it on the primary server, in a read-write transaction.';
    END IF;
    IF $1 IS NULL OR $2 IS NULL OR $3 IS NULL THEN
        RAISE EXCEPTION 'core model name, table and key column must not be null'
            USING ERRCODE = 'null_value_not_allowed',
                  DETAIL = 'A core model maps a model name to a table and its key column.',
                  HINT = 'Pass all three, for example (''Staff'', ''public.staff'', ''dbid'').';
    END IF;
    IF $1 !~ '^[A-Za-z_][A-Za-z0-9_]*$' OR octet_length($1) > 63 THEN
        RAISE EXCEPTION 'invalid core model name "%"', $1
            USING ERRCODE = 'invalid_name',
                  DETAIL = 'A core model name is what descriptors write in "to" and "bases": an ASCII identifier of at most 63 bytes.',
                  HINT = 'Use the SDK class name, for example "Staff".';
    END IF;
    SELECT c.relkind, c.relpersistence, n.nspname INTO kind, persistence, tbl_schema
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = $2;
    IF EXISTS (SELECT 1 FROM cmodel.reg_namespace r WHERE r.namespace = tbl_schema) THEN
        RAISE EXCEPTION 'table "%" belongs to namespace "%" and cannot be a core model', $2, tbl_schema
            USING ERRCODE = 'wrong_object_type',
                  DETAIL = 'Core models are the platform''s own tables; a namespace''s tables belong to its plugins.',
                  HINT = 'Relate to the model inside its namespace, or register a platform table.';
    END IF;
    IF persistence = 't' THEN
        RAISE EXCEPTION 'temporary table "%" cannot be a core model', $2
            USING ERRCODE = 'wrong_object_type',
                  DETAIL = 'A temporary table disappears with the session that made it.',
                  HINT = 'Register a permanent table.';
    END IF;
    IF persistence = 'u' THEN
        RAISE EXCEPTION 'unlogged table "%" cannot be a core model', $2
            USING ERRCODE = 'wrong_object_type',
                  DETAIL = 'An unlogged table is emptied after a crash, and the children relations point at would be left orphaned.',
                  HINT = 'Make it logged (ALTER TABLE ... SET LOGGED), then register it.';
    END IF;
    IF kind = 'p' OR EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = $2 OR i.inhparent = $2) THEN
        RAISE EXCEPTION 'table "%" has partitions or inheritance children or parents and cannot be a core model', $2
            USING ERRCODE = 'feature_not_supported',
                  DETAIL = 'on_delete fires for the table a DELETE or TRUNCATE names; rows deleted through a partition, a child or a parent would leave their plugin rows behind.',
                  HINT = 'Register a plain table.';
    END IF;
    IF kind NOT IN ('r', 'p') THEN
        RAISE EXCEPTION 'core model "%" must be a table, and "%" is not', $1, $2
            USING ERRCODE = 'wrong_object_type',
                  DETAIL = 'Relations need rows with a key to point at.',
                  HINT = 'Register the table itself, not a view or other relation.';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_attribute a
                    WHERE a.attrelid = $2 AND a.attname = $3 AND a.attnum > 0 AND NOT a.attisdropped) THEN
        RAISE EXCEPTION 'column "%" of table "%" does not exist', $3, $2
            USING ERRCODE = 'undefined_column',
                  DETAIL = format('Core model "%s" needs a key column in %s.', $1, $2),
                  HINT = 'Name the table''s primary key column, such as "dbid".';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_index i JOIN pg_attribute a
                     ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
                    WHERE i.indrelid = $2 AND i.indisunique AND i.indnkeyatts = 1
                      AND i.indpred IS NULL AND i.indexprs IS NULL AND a.attname = $3) THEN
        RAISE EXCEPTION 'key column "%" of table "%" is not unique', $3, $2
            USING ERRCODE = 'invalid_object_definition',
                  DETAIL = 'Each child row must point at exactly one parent row.',
                  HINT = 'Use the primary key, or add a unique index on the column first.';
    END IF;
    IF EXISTS (SELECT 1 FROM pg_attribute a
                WHERE a.attrelid = $2 AND a.attname = $3 AND a.atttypid >= 16384) THEN
        RAISE EXCEPTION 'key column "%" of table "%" has a type that is not built in', $3, $2
            USING ERRCODE = 'wrong_object_type',
                  DETAIL = 'Relations copy the key''s type into plugin tables, and cmodel creates those columns with its own privileges.',
                  HINT = 'Use a key of a built-in type, such as bigint, integer, uuid or text.';
    END IF;
    -- moving a core model to another table must not change what relations store
    SELECT c.tbl INTO old_tbl FROM cmodel.reg_core_model c WHERE c.name = $1;
    IF old_tbl IS NOT NULL AND old_tbl <> $2 THEN
        FOR rel IN
            SELECT r.namespace, r.model, r.field, r.target_column, f.column_type,
                   (SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
                     WHERE a.attrelid = $2 AND a.attname = r.target_column AND NOT a.attisdropped) AS new_type
              FROM cmodel.reg_relation r
              JOIN cmodel.reg_field f ON f.namespace = r.namespace AND f.model = r.model AND f.name = r.field
             WHERE r.target_table::oid = old_tbl AND NOT r.retired AND f.column_type IS NOT NULL
        LOOP
            IF rel.new_type IS DISTINCT FROM rel.column_type THEN
                RAISE EXCEPTION 'core model "%" cannot move to table "%"', $1, $2
                    USING ERRCODE = 'feature_not_supported',
                          DETAIL = format('Relation %s.%s.%s stores %s; column "%s" of the new table is %s.',
                                          rel.namespace, rel.model, rel.field, rel.column_type,
                                          rel.target_column, coalesce(rel.new_type, 'missing')),
                          HINT = 'Give the new table the same key column and type, or register it as another core model.';
            END IF;
        END LOOP;
        UPDATE cmodel.reg_relation r SET target_table = $2 WHERE r.target_table::oid = old_tbl;
        -- on_delete moves with the relations: triggers on the new table, none left on the old
        PERFORM cmodel.core_model_moved(old_tbl, $2);
    END IF;
    INSERT INTO cmodel.reg_core_model AS c (name, tbl, key_column)
    VALUES ($1, $2, $3)
    ON CONFLICT ON CONSTRAINT reg_core_model_pkey
    DO UPDATE SET tbl = excluded.tbl, key_column = excluded.key_column, registered_at = now();
    -- relations to core models take their key types: no cached no-op stays valid
    UPDATE cmodel.reg_namespace SET generation = generation + 1;
END;
$$;

GRANT SELECT ON cmodel.reg_access, cmodel.reg_reporting, cmodel.access TO PUBLIC;
