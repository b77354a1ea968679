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
