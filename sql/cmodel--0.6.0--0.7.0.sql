/* cmodel--0.6.0--0.7.0.sql: only cmodel changes its registry.  Every
 * registry table gets the statement trigger cmodel_registry_lock, which
 * refuses UPDATE, DELETE and TRUNCATE (and INSERT into the no-op cache)
 * outside cmodel's own functions and scripts, and
 * cmodel_register_core_model writes the registry through
 * cmodel.core_model_record. */

\echo Use "ALTER EXTENSION cmodel UPDATE TO '0.7.0'" to load this file. \quit

/*
 * Only cmodel changes its registry (registry_lock.c): a statement trigger
 * on every registry table refuses UPDATE, DELETE and TRUNCATE outside
 * cmodel's own writes and scripts (INSERT too on the cache, which no dump
 * restores; pg_restore loads the other tables with COPY).  ALWAYS: a
 * session in replica mode is refused as well.
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
    END LOOP;
END;
$$;

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
