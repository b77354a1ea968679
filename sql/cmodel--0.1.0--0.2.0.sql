/* cmodel--0.1.0--0.2.0.sql: the lifecycle guard */

\echo Use "ALTER EXTENSION cmodel UPDATE TO '0.2.0'" to load this file. \quit

/*
 * The plpgsql change-tracking triggers of 0.1.0 are replaced by the C
 * guard, which also tracks changes: one ddl_command_start trigger judges
 * every statement before it runs (and moves namespace generations), so no
 * ddl_command_end trigger is needed any more.
 */
DROP EVENT TRIGGER cmodel_namespace_ddl_end;
DROP EVENT TRIGGER cmodel_namespace_sql_drop;
DROP FUNCTION cmodel.namespace_changed();
DROP FUNCTION cmodel.touched_namespaces(pg_catalog.oid[], pg_catalog.text[], pg_catalog.text[], boolean, pg_catalog.text[]);

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

/* Only event triggers call these. */
REVOKE ALL ON FUNCTION cmodel.guard_ddl_command_start() FROM PUBLIC;
REVOKE ALL ON FUNCTION cmodel.guard_sql_drop() FROM PUBLIC;
REVOKE ALL ON FUNCTION cmodel.guard_table_rewrite() FROM PUBLIC;
