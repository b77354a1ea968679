/* cmodel.sql: the install script of the current version (built into
 * cmodel--$(EXTVERSION).sql by the Makefile; the version is cmodel.control's
 * default_version).  Older versions are reached through the upgrade chain
 * cmodel--A--B.sql, which must end in the same objects as this script:
 * the regression test "upgrade" compares them object by object. */

\echo Use "CREATE EXTENSION cmodel" to load this file. \quit

CREATE SCHEMA cmodel;
COMMENT ON SCHEMA cmodel IS 'cmodel registry: namespaces, models, fields, relations, indexes';

/* ------------------------------------------------------------------------
 * Registry tables
 *
 * No foreign keys between them: they are extension configuration tables,
 * whose rows pg_restore -j loads concurrently, and registration keeps them
 * consistent itself (every write happens in one registration transaction).
 * ------------------------------------------------------------------------
 */
CREATE TABLE cmodel.reg_namespace (
    namespace text PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    generation bigint NOT NULL DEFAULT 0,
    rules text NOT NULL DEFAULT 'canvas'
        CONSTRAINT reg_namespace_rules_check CHECK (rules OPERATOR(pg_catalog.=) ANY (ARRAY['canvas', 'django']))
);
COMMENT ON TABLE cmodel.reg_namespace IS 'Schemas owned by cmodel (one per plugin namespace); generation counts changes to a namespace''s registry and schema; rules is the rule set its models are validated by (canvas or django), chosen at creation';

CREATE TABLE cmodel.reg_core_model (
    name text PRIMARY KEY,
    tbl pg_catalog.regclass NOT NULL,
    key_column name NOT NULL,
    registered_at timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE cmodel.reg_core_model IS 'Platform tables that plugin models may relate to';

CREATE TABLE cmodel.reg_model (
    namespace text NOT NULL,
    name text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('model', 'proxy', 'abstract')),
    app_label text NOT NULL,
    table_name text,
    proxy_for text,
    plugin text,
    descriptor jsonb NOT NULL,
    retired boolean NOT NULL DEFAULT false,
    registered_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    updated_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    PRIMARY KEY (namespace, name)
);
COMMENT ON TABLE cmodel.reg_model IS 'Registered models with their normalized descriptors';

CREATE TABLE cmodel.reg_field (
    namespace text NOT NULL,
    model text NOT NULL,
    name text NOT NULL,
    position integer NOT NULL,
    field_type text NOT NULL,
    column_name text,
    column_type text,
    options jsonb NOT NULL,
    retired boolean NOT NULL DEFAULT false,
    PRIMARY KEY (namespace, model, name)
);
COMMENT ON TABLE cmodel.reg_field IS 'Fields of registered models; options hold default, auto_now, max_length and the rest';

CREATE TABLE cmodel.reg_relation (
    namespace text NOT NULL,
    model text NOT NULL,
    field text NOT NULL,
    kind text NOT NULL,
    column_name text,
    target text NOT NULL,
    target_table pg_catalog.regclass,
    target_column text,
    on_delete text,
    related_name text,
    through text,
    retired boolean NOT NULL DEFAULT false,
    PRIMARY KEY (namespace, model, field)
);
COMMENT ON TABLE cmodel.reg_relation IS 'ForeignKey, OneToOneField and ManyToManyField relations of registered models';

CREATE TABLE cmodel.reg_index (
    namespace text NOT NULL,
    index_name text NOT NULL,
    model text NOT NULL,
    name text,
    kind text NOT NULL CHECK (kind IN ('btree', 'gin', 'unique')),
    origin text NOT NULL,
    columns text[] NOT NULL,
    definition text NOT NULL,
    retired boolean NOT NULL DEFAULT false,
    PRIMARY KEY (namespace, index_name)
);
COMMENT ON TABLE cmodel.reg_index IS 'Indexes and unique constraints of registered models, with their canonical definitions';

CREATE TABLE cmodel.reg_plugin (
    namespace text NOT NULL,
    plugin text NOT NULL,
    models_hash text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    deployer pg_catalog.regrole,
    PRIMARY KEY (namespace, plugin)
);
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

/*
 * A cache, not registry data (so not dumped): descriptor sets known to be
 * fully applied at a namespace generation.  Registering one of them again
 * while the generation is unchanged is a no-op that needs no catalog reads.
 */
CREATE TABLE cmodel.reg_applied (
    namespace text NOT NULL REFERENCES cmodel.reg_namespace (namespace),
    call_hash text NOT NULL,
    generation bigint NOT NULL,
    PRIMARY KEY (namespace, call_hash)
);
COMMENT ON TABLE cmodel.reg_applied IS 'Cache: descriptor sets fully applied at a namespace generation (not dumped)';

SELECT pg_catalog.pg_extension_config_dump('cmodel.reg_namespace', '');
SELECT pg_catalog.pg_extension_config_dump('cmodel.reg_core_model', '');
SELECT pg_catalog.pg_extension_config_dump('cmodel.reg_model', '');
SELECT pg_catalog.pg_extension_config_dump('cmodel.reg_field', '');
SELECT pg_catalog.pg_extension_config_dump('cmodel.reg_relation', '');
SELECT pg_catalog.pg_extension_config_dump('cmodel.reg_index', '');
SELECT pg_catalog.pg_extension_config_dump('cmodel.reg_plugin', '');
SELECT pg_catalog.pg_extension_config_dump('cmodel.reg_access', '');
SELECT pg_catalog.pg_extension_config_dump('cmodel.reg_reporting', '');

/*
 * Only cmodel changes its registry (registry_lock.c): a statement trigger
 * on every registry table refuses UPDATE, DELETE and TRUNCATE outside
 * cmodel's own writes and scripts (INSERT too on the cache, which no dump
 * restores; pg_restore loads the other tables with COPY), and a row
 * trigger does the same for the rows a logical replication apply worker
 * writes (it fires no statement triggers).  ALWAYS: a session in replica
 * mode is refused as well.
 */
CREATE FUNCTION cmodel.registry_lock()
RETURNS trigger
LANGUAGE C
AS 'MODULE_PATHNAME', 'cmodel_registry_lock';
COMMENT ON FUNCTION cmodel.registry_lock() IS
'Internal: refuse changes to cmodel''s registry tables made outside cmodel''s own functions';
REVOKE ALL ON FUNCTION cmodel.registry_lock() FROM PUBLIC;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['reg_namespace', 'reg_core_model', 'reg_model', 'reg_field',
                             'reg_relation', 'reg_index', 'reg_plugin', 'reg_access',
                             'reg_reporting', 'reg_applied']
    LOOP
        EXECUTE format('CREATE TRIGGER cmodel_registry_lock BEFORE %s ON cmodel.%I'
                       ' FOR EACH STATEMENT EXECUTE FUNCTION cmodel.registry_lock()',
                       CASE WHEN t = 'reg_applied' THEN 'INSERT OR UPDATE OR DELETE OR TRUNCATE'
                            ELSE 'UPDATE OR DELETE OR TRUNCATE' END, t);
        EXECUTE format('ALTER TABLE cmodel.%I ENABLE ALWAYS TRIGGER cmodel_registry_lock', t);
        EXECUTE format('CREATE TRIGGER cmodel_registry_lock_row BEFORE %s ON cmodel.%I'
                       ' FOR EACH ROW EXECUTE FUNCTION cmodel.registry_lock()',
                       CASE WHEN t = 'reg_applied' THEN 'INSERT OR UPDATE OR DELETE'
                            ELSE 'UPDATE OR DELETE' END, t);
        EXECUTE format('ALTER TABLE cmodel.%I ENABLE ALWAYS TRIGGER cmodel_registry_lock_row', t);
    END LOOP;
END;
$$;

/* ------------------------------------------------------------------------
 * The node catalog (node_catalog.c)
 *
 * What cmodel's triggers and guard need of the registry, by schema and
 * table name: the namespaces, the core tables and their keys, the
 * on_delete rules a table's deletes apply, its auto_now and auto_now_add
 * columns, its model's label.  A Citus
 * worker has no registry, and a shard there is judged as its table by
 * these rows; with
 * Citus installed the table is a reference table, so every node has them.
 * cmodel.node_facts derives them from the registry; registration rewrites
 * a namespace's rows from it in the same transaction.
 * ------------------------------------------------------------------------
 */
CREATE TABLE cmodel.node_catalog (
    namespace text NOT NULL,
    kind "char" NOT NULL CHECK (kind IN ('n', 'm', 'c', 'r', 'a')),
    schema_name name NOT NULL,
    table_name name NOT NULL,
    column_name name,
    child_schema name,
    child_table name,
    child_column name,
    flag boolean,
    label text
);
CREATE INDEX node_catalog_table ON cmodel.node_catalog (schema_name, table_name, kind);
CREATE INDEX node_catalog_namespace ON cmodel.node_catalog (namespace);
-- Citus copies a reference table to a new node by logical replication
ALTER TABLE cmodel.node_catalog REPLICA IDENTITY FULL;
COMMENT ON TABLE cmodel.node_catalog IS
'Derived from the registry (cmodel.node_facts), per namespace ('''' for core models): kind n the namespace (schema_name), m a model table (label), c a core table (column_name its key, label the core model), r an on_delete rule of the table (column_name its key, child_* the relation, flag SET_NULL), a an auto_now (flag) or auto_now_add column; a Citus reference table, read by shards on every node';
SELECT pg_catalog.pg_extension_config_dump('cmodel.node_catalog', '');

CREATE VIEW cmodel.node_facts AS
SELECT n.namespace, 'n'::"char" AS kind, n.namespace::name AS schema_name, ''::name AS table_name,
       NULL::name AS column_name, NULL::name AS child_schema, NULL::name AS child_table,
       NULL::name AS child_column, NULL::boolean AS flag, NULL::text AS label
  FROM cmodel.reg_namespace n
UNION ALL
SELECT m.namespace, 'm', m.namespace::name, m.table_name::name, NULL, NULL, NULL, NULL, NULL,
       m.app_label OPERATOR(pg_catalog.||) '.' OPERATOR(pg_catalog.||) m.name
  FROM cmodel.reg_model m
 WHERE m.kind OPERATOR(pg_catalog.=) 'model' AND NOT m.retired
UNION ALL
SELECT '', 'c', n.nspname, c.relname, cm.key_column, NULL, NULL, NULL, NULL, cm.name
  FROM cmodel.reg_core_model cm
  JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) cm.tbl::pg_catalog.oid
  JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
UNION ALL
SELECT r.namespace, 'r', n.nspname, c.relname, r.target_column::name, r.namespace::name,
       m.table_name::name, r.column_name::name, r.on_delete OPERATOR(pg_catalog.=) 'SET_NULL', NULL
  FROM cmodel.reg_relation r
  JOIN cmodel.reg_model m ON m.namespace OPERATOR(pg_catalog.=) r.namespace
   AND m.name OPERATOR(pg_catalog.=) r.model
  JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) r.target_table::pg_catalog.oid
  JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
 WHERE NOT r.retired AND NOT m.retired AND m.kind OPERATOR(pg_catalog.=) 'model'
   AND r.column_name IS NOT NULL
   AND r.on_delete OPERATOR(pg_catalog.=) ANY (ARRAY['SET_NULL', 'CASCADE'])
UNION ALL
SELECT f.namespace, 'a', m.namespace::name, m.table_name::name, f.column_name::name, NULL, NULL, NULL,
       (f.options OPERATOR(pg_catalog.->>) 'auto_now') IS NOT DISTINCT FROM 'true', NULL
  FROM cmodel.reg_field f
  JOIN cmodel.reg_model m ON m.namespace OPERATOR(pg_catalog.=) f.namespace
   AND m.name OPERATOR(pg_catalog.=) f.model
 WHERE m.kind OPERATOR(pg_catalog.=) 'model' AND NOT m.retired AND NOT f.retired
   AND ((f.options OPERATOR(pg_catalog.->>) 'auto_now') IS NOT DISTINCT FROM 'true'
     OR (f.options OPERATOR(pg_catalog.->>) 'auto_now_add') IS NOT DISTINCT FROM 'true');
COMMENT ON VIEW cmodel.node_facts IS
'The node catalog''s rows as the registry states them now';

/* A change to the catalog on any node: every session there rebuilds the rules it cached from it. */
CREATE FUNCTION cmodel.node_catalog_changed()
RETURNS trigger
LANGUAGE C
VOLATILE
PARALLEL UNSAFE
AS 'MODULE_PATHNAME', 'cmodel_node_catalog_changed';
COMMENT ON FUNCTION cmodel.node_catalog_changed() IS
'Internal: after a change to cmodel.node_catalog (or a Citus placement of it), invalidate the rules sessions cached from it';
REVOKE ALL ON FUNCTION cmodel.node_catalog_changed() FROM PUBLIC;
CREATE TRIGGER cmodel_node_catalog_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON cmodel.node_catalog FOR EACH STATEMENT EXECUTE FUNCTION cmodel.node_catalog_changed();
ALTER TABLE cmodel.node_catalog ENABLE ALWAYS TRIGGER cmodel_node_catalog_changed;

/* Make the catalog a Citus reference table now and rewrite it from the registry (superusers). */
CREATE FUNCTION @extschema@.cmodel_citus_prepare()
RETURNS void
LANGUAGE C
VOLATILE
PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'cmodel_citus_prepare';
COMMENT ON FUNCTION @extschema@.cmodel_citus_prepare() IS
'Rewrite cmodel.node_catalog from the registry and, with Citus, make it a reference table so that every node has it';
REVOKE ALL ON FUNCTION @extschema@.cmodel_citus_prepare() FROM PUBLIC;

/* ------------------------------------------------------------------------
 * Views
 * ------------------------------------------------------------------------
 */
CREATE VIEW cmodel.namespaces AS
SELECT n.namespace,
       n.created_at,
       (SELECT pg_catalog.count(*) FROM cmodel.reg_model m
         WHERE m.namespace = n.namespace AND NOT m.retired) AS models,
       n.rules
  FROM cmodel.reg_namespace n;
COMMENT ON VIEW cmodel.namespaces IS 'Namespaces, how many active models each holds, and the rule set it validates them by';

CREATE VIEW cmodel.models AS
SELECT m.namespace,
       m.name AS model,
       m.kind,
       m.table_name,
       m.proxy_for,
       m.app_label,
       m.plugin,
       m.retired,
       m.registered_at,
       m.updated_at
  FROM cmodel.reg_model m;
COMMENT ON VIEW cmodel.models IS 'Registered models: concrete (with a table), proxies and abstract bases';

CREATE VIEW cmodel.fields AS
SELECT f.namespace,
       f.model,
       f.name AS field,
       f.position,
       f.field_type,
       f.column_name,
       f.column_type,
       f.options->'default' AS "default",
       COALESCE((f.options->>'auto_now')::boolean, false) AS auto_now,
       COALESCE((f.options->>'auto_now_add')::boolean, false) AS auto_now_add,
       (f.options->>'max_length')::integer AS max_length,
       f.retired
  FROM cmodel.reg_field f;
COMMENT ON VIEW cmodel.fields IS 'Fields of registered models, with the write-time options the SDK applies';

CREATE VIEW cmodel.relations AS
SELECT r.namespace,
       r.model,
       r.field,
       r.kind,
       r.column_name,
       r.target,
       r.target_table,
       r.target_column,
       r.on_delete,
       r.related_name,
       r.through,
       r.retired
  FROM cmodel.reg_relation r;
COMMENT ON VIEW cmodel.relations IS 'Relations of registered models, with their resolved target tables and on_delete';

CREATE VIEW cmodel.indexes AS
SELECT i.namespace,
       i.model,
       i.index_name,
       i.name,
       i.kind,
       i.origin,
       i.columns,
       i.definition,
       i.retired
  FROM cmodel.reg_index i;
COMMENT ON VIEW cmodel.indexes IS 'Indexes and unique constraints of registered models';

CREATE VIEW cmodel.core_models AS
SELECT c.name, c.tbl, c.key_column, c.registered_at
  FROM cmodel.reg_core_model c;
COMMENT ON VIEW cmodel.core_models IS 'Core (platform) models that plugin relations may target';

CREATE VIEW cmodel.plugins AS
SELECT p.namespace, p.plugin, p.models_hash, p.updated_at,
       pg_catalog.pg_get_userbyid(p.deployer) AS deployer
  FROM cmodel.reg_plugin p;
COMMENT ON VIEW cmodel.plugins IS 'Model-set hash each plugin last registered, for readiness checks, and the role that deploys it';

/* ------------------------------------------------------------------------
 * Functions
 * ------------------------------------------------------------------------
 */
/* Not STRICT: a NULL name is an error (22004), not a silent no-op. */
CREATE FUNCTION @extschema@.cmodel_create_namespace(namespace text, rules text DEFAULT NULL)
RETURNS void
LANGUAGE C
VOLATILE
CALLED ON NULL INPUT
PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'cmodel_create_namespace';
COMMENT ON FUNCTION @extschema@.cmodel_create_namespace(text, text) IS
'Create a plugin namespace (a schema owned by the registry) with a rule set, canvas (the default) or django; does nothing if it exists with that rule set';

/* Not STRICT: NULL arguments are an error (22004), not a silent no-op. */
CREATE FUNCTION @extschema@.cmodel_register_core_model(name text, tbl pg_catalog.regclass, key_column name)
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
    END IF;
    -- the registry (relations move along; every generation moves)
    PERFORM cmodel.core_model_record($1, $2, $3, old_tbl);
    IF old_tbl IS NOT NULL AND old_tbl <> $2 THEN
        -- on_delete moves with the relations: triggers on the new table, none left on the old
        PERFORM cmodel.core_model_moved(old_tbl, $2);
    END IF;
END;
$$;
COMMENT ON FUNCTION @extschema@.cmodel_register_core_model(text, pg_catalog.regclass, name) IS
'Make a platform table available to plugin relations under a model name, keyed by a unique column';

/* Not STRICT: a NULL argument is an error (22004), not an empty result. */
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

/* The text overload lets cmodel report malformed JSON with line and column. */
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

/* Not STRICT: plugin may be NULL (no per-plugin hash, no model retirement). */
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

/*
 * The plan functions only read, but they are PARALLEL UNSAFE: checking a
 * default or condition value runs the type's input function in a
 * subtransaction, which a parallel operation cannot start (not even in its
 * leader, so PARALLEL RESTRICTED is not enough).
 */
CREATE FUNCTION @extschema@.cmodel_plan_model(namespace text, descriptor json)
RETURNS TABLE (action text, object text, statement text)
LANGUAGE C
STABLE
CALLED ON NULL INPUT
PARALLEL UNSAFE
AS 'MODULE_PATHNAME', 'cmodel_plan_model';
COMMENT ON FUNCTION @extschema@.cmodel_plan_model(text, json) IS
'The actions cmodel_register_model would take, without changing anything';

CREATE FUNCTION @extschema@.cmodel_plan_model(namespace text, descriptor text)
RETURNS TABLE (action text, object text, statement text)
LANGUAGE C
STABLE
CALLED ON NULL INPUT
PARALLEL UNSAFE
AS 'MODULE_PATHNAME', 'cmodel_plan_model';
COMMENT ON FUNCTION @extschema@.cmodel_plan_model(text, text) IS
'The actions cmodel_register_model would take for a descriptor given as text, without changing anything';

/* Not STRICT: plugin may be NULL. */
CREATE FUNCTION @extschema@.cmodel_plan_models(namespace text, descriptors json, plugin text DEFAULT NULL)
RETURNS TABLE (action text, object text, statement text)
LANGUAGE C
STABLE
CALLED ON NULL INPUT
PARALLEL UNSAFE
AS 'MODULE_PATHNAME', 'cmodel_plan_models';
COMMENT ON FUNCTION @extschema@.cmodel_plan_models(text, json, text) IS
'The actions cmodel_register_models would take, without changing anything';

CREATE FUNCTION @extschema@.cmodel_plan_models(namespace text, descriptors text, plugin text DEFAULT NULL)
RETURNS TABLE (action text, object text, statement text)
LANGUAGE C
STABLE
CALLED ON NULL INPUT
PARALLEL UNSAFE
AS 'MODULE_PATHNAME', 'cmodel_plan_models';
COMMENT ON FUNCTION @extschema@.cmodel_plan_models(text, text, text) IS
'The actions cmodel_register_models would take for descriptors given as text, without changing anything';

/*
 * jsonb overloads, so a descriptor kept as jsonb (cmodel_describe_model's
 * output, a jsonb column) can be passed as it is.  They hand the text form
 * to the C functions, which report NULL arguments.
 */
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

CREATE FUNCTION @extschema@.cmodel_plan_model(namespace text, descriptor jsonb)
RETURNS TABLE (action text, object text, statement text)
LANGUAGE sql
STABLE
CALLED ON NULL INPUT
PARALLEL UNSAFE
AS $$ SELECT * FROM @extschema@.cmodel_plan_model($1, ($2)::pg_catalog.text) $$;
COMMENT ON FUNCTION @extschema@.cmodel_plan_model(text, jsonb) IS
'The actions cmodel_register_model would take for a jsonb descriptor, without changing anything';

CREATE FUNCTION @extschema@.cmodel_plan_models(namespace text, descriptors jsonb, plugin text DEFAULT NULL)
RETURNS TABLE (action text, object text, statement text)
LANGUAGE sql
STABLE
CALLED ON NULL INPUT
PARALLEL UNSAFE
AS $$ SELECT * FROM @extschema@.cmodel_plan_models($1, ($2)::pg_catalog.text, $3) $$;
COMMENT ON FUNCTION @extschema@.cmodel_plan_models(text, jsonb, text) IS
'The actions cmodel_register_models would take for jsonb descriptors, without changing anything';

CREATE FUNCTION @extschema@.cmodel_describe_model(namespace text, model text)
RETURNS jsonb
LANGUAGE plpgsql
STABLE
STRICT
PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    d jsonb;
BEGIN
    SELECT m.descriptor INTO d
      FROM cmodel.reg_model m
     WHERE m.namespace = $1 AND m.name = $2 AND NOT m.retired;
    IF d IS NULL THEN
        RAISE EXCEPTION 'model "%" is not registered in namespace "%"', $2, $1
            USING ERRCODE = 'undefined_object',
                  DETAIL = 'cmodel.models lists the registered models; retired models are not described.',
                  HINT = 'Check the namespace and the model name (model names are case-sensitive).';
    END IF;
    RETURN d;
END;
$$;
COMMENT ON FUNCTION @extschema@.cmodel_describe_model(text, text) IS
'The normalized descriptor of a registered model; registering it again changes nothing';

CREATE FUNCTION @extschema@.cmodel_models_hash(descriptors json)
RETURNS text
LANGUAGE sql
IMMUTABLE
STRICT
PARALLEL SAFE
AS $$ SELECT pg_catalog.md5(($1)::pg_catalog.jsonb::pg_catalog.text) $$;
COMMENT ON FUNCTION @extschema@.cmodel_models_hash(json) IS
'The hash cmodel_register_models records for a plugin (independent of key order and spacing)';

CREATE FUNCTION @extschema@.cmodel_namespace_ready(namespace text, plugin text, hash text)
RETURNS boolean
LANGUAGE sql
STABLE
STRICT
PARALLEL SAFE
AS $$
    SELECT EXISTS (SELECT 1 FROM cmodel.reg_plugin p
                    WHERE p.namespace = $1 AND p.plugin = $2 AND p.models_hash = $3)
$$;
COMMENT ON FUNCTION @extschema@.cmodel_namespace_ready(text, text, text) IS
'True once the plugin''s model set with this hash is registered in the namespace';

/* ------------------------------------------------------------------------
 * Lifecycle guard
 * ------------------------------------------------------------------------
 */
CREATE FUNCTION cmodel.guard_ddl_command_start()
RETURNS event_trigger
LANGUAGE c
VOLATILE
PARALLEL UNSAFE
AS 'MODULE_PATHNAME', 'cmodel_guard_ddl_command_start';
COMMENT ON FUNCTION cmodel.guard_ddl_command_start() IS
'Event trigger (ddl_command_start): reject DDL that would drop, rename, alter, rewrite or rescan namespace objects';

CREATE FUNCTION cmodel.guard_sql_drop()
RETURNS event_trigger
LANGUAGE c
VOLATILE
PARALLEL UNSAFE
AS 'MODULE_PATHNAME', 'cmodel_guard_sql_drop';
COMMENT ON FUNCTION cmodel.guard_sql_drop() IS
'Event trigger (sql_drop): reject drops that reached namespace objects, directly or through CASCADE and DROP OWNED';

CREATE FUNCTION cmodel.guard_table_rewrite()
RETURNS event_trigger
LANGUAGE c
VOLATILE
PARALLEL UNSAFE
AS 'MODULE_PATHNAME', 'cmodel_guard_table_rewrite';
COMMENT ON FUNCTION cmodel.guard_table_rewrite() IS
'Event trigger (table_rewrite): reject any rewrite of a namespace table';

CREATE FUNCTION cmodel.guard_ddl_command_end()
RETURNS event_trigger
LANGUAGE c
VOLATILE
PARALLEL UNSAFE
AS 'MODULE_PATHNAME', 'cmodel_guard_ddl_command_end';
COMMENT ON FUNCTION cmodel.guard_ddl_command_end() IS
'Event trigger (ddl_command_end): reject what the statement made depend on a temporary object if namespace objects would go with it';

/*
 * ENABLE ALWAYS: the guard also holds under session_replication_role =
 * replica, which would otherwise switch event triggers off.
 */
CREATE EVENT TRIGGER cmodel_guard_ddl_command_start ON ddl_command_start
    EXECUTE FUNCTION cmodel.guard_ddl_command_start();
ALTER EVENT TRIGGER cmodel_guard_ddl_command_start ENABLE ALWAYS;
COMMENT ON EVENT TRIGGER cmodel_guard_ddl_command_start IS
'cmodel lifecycle guard: judges each DDL statement before it runs';

CREATE EVENT TRIGGER cmodel_guard_sql_drop ON sql_drop
    EXECUTE FUNCTION cmodel.guard_sql_drop();
ALTER EVENT TRIGGER cmodel_guard_sql_drop ENABLE ALWAYS;
COMMENT ON EVENT TRIGGER cmodel_guard_sql_drop IS
'cmodel lifecycle guard: judges everything a statement dropped';

CREATE EVENT TRIGGER cmodel_guard_table_rewrite ON table_rewrite
    EXECUTE FUNCTION cmodel.guard_table_rewrite();
ALTER EVENT TRIGGER cmodel_guard_table_rewrite ENABLE ALWAYS;
COMMENT ON EVENT TRIGGER cmodel_guard_table_rewrite IS
'cmodel lifecycle guard: no namespace table is rewritten';

CREATE EVENT TRIGGER cmodel_guard_ddl_command_end ON ddl_command_end
    EXECUTE FUNCTION cmodel.guard_ddl_command_end();
ALTER EVENT TRIGGER cmodel_guard_ddl_command_end ENABLE ALWAYS;
COMMENT ON EVENT TRIGGER cmodel_guard_ddl_command_end IS
'cmodel lifecycle guard: nothing of a namespace depends on a temporary object';

/* Only event triggers call these. */
REVOKE ALL ON FUNCTION cmodel.guard_ddl_command_start() FROM PUBLIC;
REVOKE ALL ON FUNCTION cmodel.guard_sql_drop() FROM PUBLIC;
REVOKE ALL ON FUNCTION cmodel.guard_table_rewrite() FROM PUBLIC;
REVOKE ALL ON FUNCTION cmodel.guard_ddl_command_end() FROM PUBLIC;


/* ------------------------------------------------------------------------
 * Trigger functions.  Registration creates the triggers: cmodel_write on
 * every model table, cmodel_on_delete and cmodel_on_truncate on every table
 * a CASCADE or SET_NULL relation points at (core tables included).
 * ------------------------------------------------------------------------
 */
CREATE FUNCTION cmodel.on_write()
RETURNS trigger
LANGUAGE c
VOLATILE
PARALLEL UNSAFE
AS 'MODULE_PATHNAME', 'cmodel_on_write';
COMMENT ON FUNCTION cmodel.on_write() IS
'Row trigger (BEFORE INSERT OR UPDATE): auto_now, auto_now_add, the 1,048,576-character value limit and cmodel.max_bulk_rows';

CREATE FUNCTION cmodel.on_delete()
RETURNS trigger
LANGUAGE c
VOLATILE
PARALLEL UNSAFE
AS 'MODULE_PATHNAME', 'cmodel_on_delete';
COMMENT ON FUNCTION cmodel.on_delete() IS
'Statement trigger (AFTER DELETE, with the deleted rows): CASCADE and SET_NULL to the children of every relation pointing at the table';

CREATE FUNCTION cmodel.on_truncate()
RETURNS trigger
LANGUAGE c
VOLATILE
PARALLEL UNSAFE
AS 'MODULE_PATHNAME', 'cmodel_on_truncate';
COMMENT ON FUNCTION cmodel.on_truncate() IS
'Statement trigger (BEFORE TRUNCATE): on_delete for the children of every row, as a DELETE of all rows would apply it';

REVOKE ALL ON FUNCTION cmodel.on_write() FROM PUBLIC;
REVOKE ALL ON FUNCTION cmodel.on_delete() FROM PUBLIC;
REVOKE ALL ON FUNCTION cmodel.on_truncate() FROM PUBLIC;

CREATE FUNCTION cmodel.on_delete_row()
RETURNS trigger
LANGUAGE c
VOLATILE
PARALLEL UNSAFE
AS 'MODULE_PATHNAME', 'cmodel_on_delete_row';
COMMENT ON FUNCTION cmodel.on_delete_row() IS
'Row trigger (AFTER DELETE, ENABLE REPLICA): on_delete where a logical replication apply worker deletes (it fires no statement triggers)';
REVOKE ALL ON FUNCTION cmodel.on_delete_row() FROM PUBLIC;

/* ------------------------------------------------------------------------
 * Preview
 * ------------------------------------------------------------------------
 */
/*
 * Not STRICT: NULL arguments are an error (22004), not an empty result.
 * PARALLEL UNSAFE: the first use of a table builds its cached rules from
 * the latest snapshot, which a parallel operation cannot take.
 */
CREATE FUNCTION @extschema@.cmodel_delete_preview(tbl pg_catalog.regclass, keys anyarray,
                                                  OUT total bigint, OUT per_model jsonb)
RETURNS record
LANGUAGE C
STABLE
CALLED ON NULL INPUT
PARALLEL UNSAFE
AS 'MODULE_PATHNAME', 'cmodel_delete_preview';
COMMENT ON FUNCTION @extschema@.cmodel_delete_preview(pg_catalog.regclass, anyarray) IS
'What deleting the rows of a table with these keys would delete through CASCADE, counted per model as Django reports it; deletes nothing';

/* ------------------------------------------------------------------------
 * Core models: on_delete follows a core model to its new table, and only
 * plain tables can be core models (a DELETE through a partition, an
 * inheritance child or parent would not fire the table's triggers).
 * ------------------------------------------------------------------------
 */
CREATE FUNCTION cmodel.core_model_moved(old_tbl pg_catalog.oid, new_tbl pg_catalog.regclass)
RETURNS void
LANGUAGE C
VOLATILE
STRICT
PARALLEL UNSAFE
AS 'MODULE_PATHNAME', 'cmodel_core_model_moved';
COMMENT ON FUNCTION cmodel.core_model_moved(pg_catalog.oid, pg_catalog.regclass) IS
'Internal: give a core model''s new table the on_delete triggers its relations need, and take them from the old one';
REVOKE ALL ON FUNCTION cmodel.core_model_moved(pg_catalog.oid, pg_catalog.regclass) FROM PUBLIC;

CREATE FUNCTION cmodel.core_model_record(name text, tbl pg_catalog.regclass, key_column name,
                                         old_tbl pg_catalog.oid)
RETURNS void
LANGUAGE C
VOLATILE
CALLED ON NULL INPUT
PARALLEL UNSAFE
AS 'MODULE_PATHNAME', 'cmodel_core_model_record';
COMMENT ON FUNCTION cmodel.core_model_record(text, pg_catalog.regclass, name, pg_catalog.oid) IS
'Internal: record a checked core model, moving its relations from old_tbl, and move every namespace''s generation';
REVOKE ALL ON FUNCTION cmodel.core_model_record(text, pg_catalog.regclass, name, pg_catalog.oid) FROM PUBLIC;

/* ------------------------------------------------------------------------
 * Attribute hubs: the value type cmodel.hub
 *
 * A hub is a jsonb object in jsonb's binary form (so it casts to jsonb for
 * free and reads as JSON) that keeps each attribute's type: text, bigint,
 * numeric, boolean, date, timestamptz, JSON, or None.  Its input validates
 * and canonicalizes (README: "Attribute hubs").
 * ------------------------------------------------------------------------
 */
CREATE TYPE cmodel.hub;

CREATE FUNCTION cmodel.hub_in(cstring)
RETURNS cmodel.hub
LANGUAGE C
IMMUTABLE
STRICT
PARALLEL SAFE
AS 'MODULE_PATHNAME', 'cmodel_hub_in';
COMMENT ON FUNCTION cmodel.hub_in(cstring) IS
'Input of cmodel.hub: a JSON object, validated and made canonical';

CREATE FUNCTION cmodel.hub_out(cmodel.hub)
RETURNS cstring
LANGUAGE C
IMMUTABLE
STRICT
PARALLEL SAFE
AS 'MODULE_PATHNAME', 'cmodel_hub_out';
COMMENT ON FUNCTION cmodel.hub_out(cmodel.hub) IS
'Output of cmodel.hub: its canonical JSON text';

CREATE FUNCTION cmodel.hub_recv(internal)
RETURNS cmodel.hub
LANGUAGE C
IMMUTABLE
STRICT
PARALLEL SAFE
AS 'MODULE_PATHNAME', 'cmodel_hub_recv';
COMMENT ON FUNCTION cmodel.hub_recv(internal) IS
'Binary input of cmodel.hub (jsonb''s format), validated';

CREATE FUNCTION cmodel.hub_send(cmodel.hub)
RETURNS bytea
LANGUAGE C
IMMUTABLE
STRICT
PARALLEL SAFE
AS 'MODULE_PATHNAME', 'cmodel_hub_send';
COMMENT ON FUNCTION cmodel.hub_send(cmodel.hub) IS
'Binary output of cmodel.hub (jsonb''s format)';

/* jsonb's storage, so the cast to jsonb is binary (no function, no copy). */
CREATE TYPE cmodel.hub (
    INPUT = cmodel.hub_in,
    OUTPUT = cmodel.hub_out,
    RECEIVE = cmodel.hub_recv,
    SEND = cmodel.hub_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = int4,
    STORAGE = extended,
    CATEGORY = 'U'
);
COMMENT ON TYPE cmodel.hub IS
'Attribute hub: named attributes with their types (text, bigint, numeric, boolean, date, timestamptz, JSON, None), stored as jsonb';

CREATE FUNCTION cmodel.hub(jsonb)
RETURNS cmodel.hub
LANGUAGE C
IMMUTABLE
STRICT
PARALLEL SAFE
AS 'MODULE_PATHNAME', 'cmodel_hub_from_jsonb';
COMMENT ON FUNCTION cmodel.hub(jsonb) IS
'A jsonb object as a hub, validated and made canonical';

/* Implicit: hub->>'name' and hub @> '{...}' read a hub as the jsonb it is. */
CREATE CAST (cmodel.hub AS jsonb) WITHOUT FUNCTION AS IMPLICIT;
CREATE CAST (jsonb AS cmodel.hub) WITH FUNCTION cmodel.hub(jsonb) AS ASSIGNMENT;

CREATE FUNCTION cmodel.hub_get(hub cmodel.hub, name text)
RETURNS jsonb
LANGUAGE C
IMMUTABLE
STRICT
PARALLEL SAFE
AS 'MODULE_PATHNAME', 'cmodel_hub_get';
COMMENT ON FUNCTION cmodel.hub_get(cmodel.hub, text) IS
'An attribute''s value as jsonb: SQL NULL when the hub has no such attribute, JSON null for None';

/* Not STRICT: the third argument only names the type, and is NULL. */
CREATE FUNCTION cmodel.hub_get(hub cmodel.hub, name text, as_type anyelement)
RETURNS anyelement
LANGUAGE C
IMMUTABLE
CALLED ON NULL INPUT
PARALLEL SAFE
AS 'MODULE_PATHNAME', 'cmodel_hub_get_typed';
COMMENT ON FUNCTION cmodel.hub_get(cmodel.hub, text, anyelement) IS
'An attribute''s value as its exact SQL type, named by the third argument (NULL::bigint); another type is an error (42804)';

CREATE FUNCTION cmodel.hub_type(hub cmodel.hub, name text)
RETURNS text
LANGUAGE C
IMMUTABLE
STRICT
PARALLEL SAFE
AS 'MODULE_PATHNAME', 'cmodel_hub_type';
COMMENT ON FUNCTION cmodel.hub_type(cmodel.hub, text) IS
'An attribute''s type (none, text, bigint, numeric, boolean, date, timestamptz, json), NULL when missing';

CREATE FUNCTION cmodel.hub_has(hub cmodel.hub, name text)
RETURNS boolean
LANGUAGE C
IMMUTABLE
STRICT
PARALLEL SAFE
AS 'MODULE_PATHNAME', 'cmodel_hub_has';
COMMENT ON FUNCTION cmodel.hub_has(cmodel.hub, text) IS
'Whether the hub has the attribute (a stored None counts)';

/* Not STRICT: a NULL value stores None, and a NULL hub is the empty one. */
CREATE FUNCTION cmodel.hub_set(hub cmodel.hub, name text, value anyelement)
RETURNS cmodel.hub
LANGUAGE C
IMMUTABLE
CALLED ON NULL INPUT
PARALLEL SAFE
AS 'MODULE_PATHNAME', 'cmodel_hub_set';
COMMENT ON FUNCTION cmodel.hub_set(cmodel.hub, text, anyelement) IS
'The hub with the attribute set to the value, keeping its type; NULL sets None';

/* The same for string literals, which have no type of their own. */
CREATE FUNCTION cmodel.hub_set(hub cmodel.hub, name text, value text)
RETURNS cmodel.hub
LANGUAGE C
IMMUTABLE
CALLED ON NULL INPUT
PARALLEL SAFE
AS 'MODULE_PATHNAME', 'cmodel_hub_set';
COMMENT ON FUNCTION cmodel.hub_set(cmodel.hub, text, text) IS
'The hub with the attribute set to a text value; NULL sets None';

CREATE FUNCTION cmodel.hub_delete(hub cmodel.hub, name text)
RETURNS cmodel.hub
LANGUAGE C
IMMUTABLE
STRICT
PARALLEL SAFE
AS 'MODULE_PATHNAME', 'cmodel_hub_delete';
COMMENT ON FUNCTION cmodel.hub_delete(cmodel.hub, text) IS
'The hub without the attribute';

/* Not STRICT: a NULL side is the empty hub, so nothing is lost by merging into NULL. */
CREATE FUNCTION cmodel.hub_merge(a cmodel.hub, b cmodel.hub)
RETURNS cmodel.hub
LANGUAGE C
IMMUTABLE
CALLED ON NULL INPUT
PARALLEL SAFE
AS 'MODULE_PATHNAME', 'cmodel_hub_merge';
COMMENT ON FUNCTION cmodel.hub_merge(cmodel.hub, cmodel.hub) IS
'The attributes of both hubs, the second''s where both have one, each with its type';

CREATE FUNCTION cmodel.hub_each(hub cmodel.hub, OUT name text, OUT type text, OUT value jsonb)
RETURNS SETOF record
LANGUAGE C
IMMUTABLE
STRICT
PARALLEL SAFE
AS 'MODULE_PATHNAME', 'cmodel_hub_each';
COMMENT ON FUNCTION cmodel.hub_each(cmodel.hub) IS
'Every attribute of the hub with its type and value';

/*
 * || and - on hubs keep the types right; they live in the extension's
 * schema, which is on the usual search_path, so they win over jsonb's
 * (reached through the implicit cast), which would merge or drop "$types"
 * as plain JSON.
 */
CREATE OPERATOR @extschema@.|| (
    LEFTARG = cmodel.hub,
    RIGHTARG = cmodel.hub,
    FUNCTION = cmodel.hub_merge
);
COMMENT ON OPERATOR @extschema@.|| (cmodel.hub, cmodel.hub) IS
'Merge two hubs, keeping each attribute''s type';

CREATE OPERATOR @extschema@.- (
    LEFTARG = cmodel.hub,
    RIGHTARG = text,
    FUNCTION = cmodel.hub_delete
);
COMMENT ON OPERATOR @extschema@.- (cmodel.hub, text) IS
'A hub without the attribute';

/* ------------------------------------------------------------------------
 * Finding hubs: conditions (cmodel.hubquery), hub @@ hubquery, and the GIN
 * operator class that answers it from one index on a hub column
 * ------------------------------------------------------------------------
 */
CREATE TYPE cmodel.hubquery;

CREATE FUNCTION cmodel.hubquery_in(cstring)
RETURNS cmodel.hubquery
LANGUAGE C
IMMUTABLE
STRICT
PARALLEL SAFE
AS 'MODULE_PATHNAME', 'cmodel_hubquery_in';
COMMENT ON FUNCTION cmodel.hubquery_in(cstring) IS
'Input of cmodel.hubquery: {"attr": ..., "eq"|"lt"|"le"|"gt"|"ge": ..., "type": ...}, validated';

CREATE FUNCTION cmodel.hubquery_out(cmodel.hubquery)
RETURNS cstring
LANGUAGE C
IMMUTABLE
STRICT
PARALLEL SAFE
AS 'MODULE_PATHNAME', 'cmodel_hubquery_out';
COMMENT ON FUNCTION cmodel.hubquery_out(cmodel.hubquery) IS
'Output of cmodel.hubquery: its canonical JSON text';

CREATE TYPE cmodel.hubquery (
    INPUT = cmodel.hubquery_in,
    OUTPUT = cmodel.hubquery_out,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = int4,
    STORAGE = extended,
    CATEGORY = 'U'
);
COMMENT ON TYPE cmodel.hubquery IS
'A find condition on one hub attribute: equality for every type, ranges for numbers, dates and timestamps';

/* Not STRICT: a NULL value finds None. */
CREATE FUNCTION cmodel.hub_query(attr text, op text, value anyelement)
RETURNS cmodel.hubquery
LANGUAGE C
IMMUTABLE
CALLED ON NULL INPUT
PARALLEL SAFE
AS 'MODULE_PATHNAME', 'cmodel_hub_query';
COMMENT ON FUNCTION cmodel.hub_query(text, text, anyelement) IS
'The condition attr op value (op: =, <, <=, >, >=), compared as the value''s type; NULL finds None';

/* The same for string literals. */
CREATE FUNCTION cmodel.hub_query(attr text, op text, value text)
RETURNS cmodel.hubquery
LANGUAGE C
IMMUTABLE
CALLED ON NULL INPUT
PARALLEL SAFE
AS 'MODULE_PATHNAME', 'cmodel_hub_query';
COMMENT ON FUNCTION cmodel.hub_query(text, text, text) IS
'The condition attr op value for a text value';

/* Not STRICT: NULL bounds are an error (22004), not an empty result. */
CREATE FUNCTION cmodel.hub_between(attr text, low anyelement, high anyelement)
RETURNS cmodel.hubquery
LANGUAGE C
IMMUTABLE
CALLED ON NULL INPUT
PARALLEL SAFE
AS 'MODULE_PATHNAME', 'cmodel_hub_between';
COMMENT ON FUNCTION cmodel.hub_between(text, anyelement, anyelement) IS
'The condition low <= attr <= high, for numbers, dates and timestamps';

CREATE FUNCTION cmodel.hub_match(hub cmodel.hub, query cmodel.hubquery)
RETURNS boolean
LANGUAGE C
IMMUTABLE
STRICT
PARALLEL SAFE
AS 'MODULE_PATHNAME', 'cmodel_hub_match';
COMMENT ON FUNCTION cmodel.hub_match(cmodel.hub, cmodel.hubquery) IS
'Whether the hub satisfies the condition (an attribute of another type, or missing, never does)';

CREATE OPERATOR @extschema@.@@ (
    LEFTARG = cmodel.hub,
    RIGHTARG = cmodel.hubquery,
    FUNCTION = cmodel.hub_match,
    RESTRICT = contsel,
    JOIN = contjoinsel
);
COMMENT ON OPERATOR @extschema@.@@ (cmodel.hub, cmodel.hubquery) IS
'Whether the hub satisfies the condition; answered by a GIN index with cmodel.hub_ops';

CREATE FUNCTION cmodel.hub_gin_extract_value(cmodel.hub, internal, internal)
RETURNS internal
LANGUAGE C
IMMUTABLE
STRICT
PARALLEL SAFE
AS 'MODULE_PATHNAME', 'cmodel_hub_gin_extract_value';
COMMENT ON FUNCTION cmodel.hub_gin_extract_value(cmodel.hub, internal, internal) IS
'GIN support of cmodel.hub_ops: one key per attribute';

CREATE FUNCTION cmodel.hub_gin_extract_query(cmodel.hubquery, internal, int2, internal, internal, internal, internal)
RETURNS internal
LANGUAGE C
IMMUTABLE
STRICT
PARALLEL SAFE
AS 'MODULE_PATHNAME', 'cmodel_hub_gin_extract_query';
COMMENT ON FUNCTION cmodel.hub_gin_extract_query(cmodel.hubquery, internal, int2, internal, internal, internal, internal) IS
'GIN support of cmodel.hub_ops: the key of a condition, a partial match for a range';

CREATE FUNCTION cmodel.hub_gin_compare_partial(bytea, bytea, int2, internal)
RETURNS int4
LANGUAGE C
IMMUTABLE
STRICT
PARALLEL SAFE
AS 'MODULE_PATHNAME', 'cmodel_hub_gin_compare_partial';
COMMENT ON FUNCTION cmodel.hub_gin_compare_partial(bytea, bytea, int2, internal) IS
'GIN support of cmodel.hub_ops: where a range scan stops';

CREATE FUNCTION cmodel.hub_gin_consistent(internal, int2, cmodel.hubquery, int4, internal, internal, internal, internal)
RETURNS boolean
LANGUAGE C
IMMUTABLE
STRICT
PARALLEL SAFE
AS 'MODULE_PATHNAME', 'cmodel_hub_gin_consistent';
COMMENT ON FUNCTION cmodel.hub_gin_consistent(internal, int2, cmodel.hubquery, int4, internal, internal, internal, internal) IS
'GIN support of cmodel.hub_ops: a match, always rechecked';

CREATE OPERATOR CLASS cmodel.hub_ops
DEFAULT FOR TYPE cmodel.hub USING gin AS
    OPERATOR 1 @extschema@.@@ (cmodel.hub, cmodel.hubquery),
    FUNCTION 1 pg_catalog.byteacmp(bytea, bytea),
    FUNCTION 2 cmodel.hub_gin_extract_value(cmodel.hub, internal, internal),
    FUNCTION 3 cmodel.hub_gin_extract_query(cmodel.hubquery, internal, int2, internal, internal, internal, internal),
    FUNCTION 4 cmodel.hub_gin_consistent(internal, int2, cmodel.hubquery, int4, internal, internal, internal, internal),
    FUNCTION 5 cmodel.hub_gin_compare_partial(bytea, bytea, int2, internal),
    STORAGE bytea;
COMMENT ON OPERATOR CLASS cmodel.hub_ops USING gin IS
'One GIN index on a hub column answers equality and range finds on any attribute';

/* ------------------------------------------------------------------------
 * The hub store: every namespace's <namespace>.cmodel_hubs, hubs keyed by
 * (type, id), and the functions that use it
 *
 * Each is one statement on the store, run as its caller (SECURITY
 * INVOKER), so the privileges on the namespace decide who reads and who
 * writes; the reads are STABLE and work on a hot standby.  None is STRICT:
 * a NULL namespace, type, id or name is an error, a NULL value sets None.
 * ------------------------------------------------------------------------
 */
CREATE FUNCTION @extschema@.cmodel_hub_get_or_create(namespace text, type text, id text,
    OUT attrs cmodel.hub, OUT created boolean)
RETURNS record
LANGUAGE C
VOLATILE
PARALLEL UNSAFE
AS 'MODULE_PATHNAME', 'cmodel_hub_store_get_or_create';
COMMENT ON FUNCTION @extschema@.cmodel_hub_get_or_create(text, text, text) IS
'The hub (type, id) of the namespace, created empty when there is none, and whether it was created';

CREATE FUNCTION @extschema@.cmodel_hub_set(namespace text, type text, id text, name text, value anyelement)
RETURNS void
LANGUAGE C
VOLATILE
PARALLEL UNSAFE
AS 'MODULE_PATHNAME', 'cmodel_hub_store_set';
COMMENT ON FUNCTION @extschema@.cmodel_hub_set(text, text, text, text, anyelement) IS
'Set one attribute of a hub to a value of its type (NULL sets None), creating the hub';

CREATE FUNCTION @extschema@.cmodel_hub_set(namespace text, type text, id text, name text, value text)
RETURNS void
LANGUAGE C
VOLATILE
PARALLEL UNSAFE
AS 'MODULE_PATHNAME', 'cmodel_hub_store_set';
COMMENT ON FUNCTION @extschema@.cmodel_hub_set(text, text, text, text, text) IS
'Set one attribute of a hub to a text value (NULL sets None), creating the hub';

CREATE FUNCTION @extschema@.cmodel_hub_set_many(namespace text, type text, id text, attrs jsonb)
RETURNS void
LANGUAGE C
VOLATILE
PARALLEL UNSAFE
AS 'MODULE_PATHNAME', 'cmodel_hub_store_set_many';
COMMENT ON FUNCTION @extschema@.cmodel_hub_set_many(text, text, text, jsonb) IS
'Set every attribute of attrs (a hub) in one statement, creating the hub; at most cmodel.max_bulk_rows';

CREATE FUNCTION @extschema@.cmodel_hub_get(namespace text, type text, id text, name text)
RETURNS jsonb
LANGUAGE C
STABLE
PARALLEL RESTRICTED
AS 'MODULE_PATHNAME', 'cmodel_hub_store_get';
COMMENT ON FUNCTION @extschema@.cmodel_hub_get(text, text, text, text) IS
'One attribute of a hub as jsonb: SQL NULL when missing, JSON null when None';

CREATE FUNCTION @extschema@.cmodel_hub_get(namespace text, type text, id text, name text, as_type anyelement)
RETURNS anyelement
LANGUAGE C
STABLE
PARALLEL RESTRICTED
AS 'MODULE_PATHNAME', 'cmodel_hub_store_get_typed';
COMMENT ON FUNCTION @extschema@.cmodel_hub_get(text, text, text, text, anyelement) IS
'One attribute of a hub as its exact SQL type (that of the fifth argument, e.g. NULL::bigint); another type is an error';

CREATE FUNCTION @extschema@.cmodel_hub_has(namespace text, type text, id text, name text)
RETURNS boolean
LANGUAGE C
STABLE
PARALLEL RESTRICTED
AS 'MODULE_PATHNAME', 'cmodel_hub_store_has';
COMMENT ON FUNCTION @extschema@.cmodel_hub_has(text, text, text, text) IS
'Whether the hub has the attribute (None included)';

CREATE FUNCTION @extschema@.cmodel_hub_delete_attribute(namespace text, type text, id text, name text)
RETURNS boolean
LANGUAGE C
VOLATILE
PARALLEL UNSAFE
AS 'MODULE_PATHNAME', 'cmodel_hub_store_delete_attribute';
COMMENT ON FUNCTION @extschema@.cmodel_hub_delete_attribute(text, text, text, text) IS
'Remove one attribute of a hub: true when it was there';

CREATE FUNCTION @extschema@.cmodel_hub_delete(namespace text, type text, id text)
RETURNS boolean
LANGUAGE C
VOLATILE
PARALLEL UNSAFE
AS 'MODULE_PATHNAME', 'cmodel_hub_store_delete';
COMMENT ON FUNCTION @extschema@.cmodel_hub_delete(text, text, text) IS
'Delete a hub with its attributes: true when it was there';

CREATE FUNCTION @extschema@.cmodel_hub_read(namespace text, type text, id text)
RETURNS cmodel.hub
LANGUAGE C
STABLE
PARALLEL RESTRICTED
AS 'MODULE_PATHNAME', 'cmodel_hub_store_read';
COMMENT ON FUNCTION @extschema@.cmodel_hub_read(text, text, text) IS
'The whole hub, NULL when there is none';

CREATE FUNCTION @extschema@.cmodel_hub_read_many(namespace text, type text, ids text[])
RETURNS TABLE (id text, attrs cmodel.hub)
LANGUAGE C
STABLE
PARALLEL RESTRICTED
ROWS 10
AS 'MODULE_PATHNAME', 'cmodel_hub_store_read_many';
COMMENT ON FUNCTION @extschema@.cmodel_hub_read_many(text, text, text[]) IS
'The hubs of one type with the given ids, in one statement, ordered by id';

CREATE FUNCTION @extschema@.cmodel_hub_find(namespace text, query cmodel.hubquery, of_type text DEFAULT NULL)
RETURNS TABLE (type text, id text, attrs cmodel.hub)
LANGUAGE C
STABLE
PARALLEL RESTRICTED
AS 'MODULE_PATHNAME', 'cmodel_hub_store_find';
COMMENT ON FUNCTION @extschema@.cmodel_hub_find(text, cmodel.hubquery, text) IS
'The hubs (of one type, when given) whose attribute matches the condition, through the store''s index, in no particular order';

CREATE FUNCTION @extschema@.cmodel_hub_attributes(namespace text, type text, id text,
    OUT name text, OUT value_type text, OUT value jsonb)
RETURNS SETOF record
LANGUAGE sql
STABLE
PARALLEL RESTRICTED
AS $$ SELECT e.name, e.type, e.value FROM cmodel.hub_each(@extschema@.cmodel_hub_read($1, $2, $3)) e $$;
COMMENT ON FUNCTION @extschema@.cmodel_hub_attributes(text, text, text) IS
'Every attribute of a hub with its type and value (none when there is no hub)';

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
 * the extension's owner (register.c).  Core models are the platform's:
 * cmodel_register_core_model runs as the owner and only roles granted
 * EXECUTE may call it.
 */
REVOKE ALL ON FUNCTION @extschema@.cmodel_register_core_model(text, pg_catalog.regclass, name) FROM PUBLIC;

GRANT USAGE ON SCHEMA cmodel TO PUBLIC;
GRANT SELECT ON cmodel.reg_namespace, cmodel.reg_core_model, cmodel.reg_model, cmodel.reg_field,
    cmodel.reg_relation, cmodel.reg_index, cmodel.reg_plugin, cmodel.reg_applied,
    cmodel.reg_access, cmodel.reg_reporting, cmodel.node_catalog TO PUBLIC;
GRANT SELECT ON cmodel.namespaces, cmodel.models, cmodel.fields, cmodel.relations,
    cmodel.indexes, cmodel.core_models, cmodel.plugins, cmodel.access, cmodel.node_facts TO PUBLIC;
