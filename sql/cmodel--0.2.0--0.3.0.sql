/* cmodel--0.2.0--0.3.0.sql: on_delete without REFERENCES, write-time semantics */

\echo Use "ALTER EXTENSION cmodel UPDATE TO '0.3.0'" to load this file. \quit

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

/* ------------------------------------------------------------------------
 * Preview
 * ------------------------------------------------------------------------
 */
/* Not STRICT: NULL arguments are an error (22004), not an empty result. */
CREATE FUNCTION @extschema@.cmodel_delete_preview(tbl pg_catalog.regclass, keys anyarray,
                                                  OUT total bigint, OUT per_model jsonb)
RETURNS record
LANGUAGE C
STABLE
CALLED ON NULL INPUT
PARALLEL RESTRICTED
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
AS 'MODULE_PATHNAME', 'cmodel_core_model_moved';
COMMENT ON FUNCTION cmodel.core_model_moved(pg_catalog.oid, pg_catalog.regclass) IS
'Internal: give a core model''s new table the on_delete triggers its relations need, and take them from the old one';
REVOKE ALL ON FUNCTION cmodel.core_model_moved(pg_catalog.oid, pg_catalog.regclass) FROM PUBLIC;

/* Not STRICT: NULL arguments are an error (22004), not a silent no-op. */
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

/* ------------------------------------------------------------------------
 * Models registered before 0.3.0 get their triggers and column defaults.
 * ------------------------------------------------------------------------
 */
CREATE FUNCTION cmodel.install_rules()
RETURNS void
LANGUAGE C
VOLATILE
AS 'MODULE_PATHNAME', 'cmodel_install_rules';
SELECT cmodel.install_rules();
DROP FUNCTION cmodel.install_rules();
