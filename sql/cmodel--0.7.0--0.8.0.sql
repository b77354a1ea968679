/* cmodel--0.7.0--0.8.0.sql: cmodel's data triggers fire ALWAYS, so
 * session_replication_role = replica no longer skips on_delete and the
 * write rules, and every table with cmodel_on_delete gets its row twin
 * cmodel_on_delete_row (ENABLE REPLICA) for logical replication apply
 * workers, which fire no statement triggers; a row trigger on every
 * registry table refuses the changes such a worker would make there; the
 * ddl_command_end guard refuses what a statement made
 * depend on a temporary object when namespace objects would go with it. */

\echo Use "ALTER EXTENSION cmodel UPDATE TO '0.8.0'" to load this file. \quit

CREATE FUNCTION cmodel.on_delete_row()
RETURNS trigger
LANGUAGE c
VOLATILE
PARALLEL UNSAFE
AS 'MODULE_PATHNAME', 'cmodel_on_delete_row';
COMMENT ON FUNCTION cmodel.on_delete_row() IS
'Row trigger (AFTER DELETE, ENABLE REPLICA): on_delete where a logical replication apply worker deletes (it fires no statement triggers)';
REVOKE ALL ON FUNCTION cmodel.on_delete_row() FROM PUBLIC;

DO $$
DECLARE
    t text;
    r record;
BEGIN
    FOREACH t IN ARRAY ARRAY['reg_namespace', 'reg_core_model', 'reg_model', 'reg_field',
                             'reg_relation', 'reg_index', 'reg_plugin', 'reg_access',
                             'reg_reporting', 'reg_applied']
    LOOP
        EXECUTE format('CREATE TRIGGER cmodel_registry_lock_row BEFORE %s ON cmodel.%I'
                       ' FOR EACH ROW EXECUTE FUNCTION cmodel.registry_lock()',
                       CASE WHEN t = 'reg_applied' THEN 'INSERT OR UPDATE OR DELETE'
                            ELSE 'UPDATE OR DELETE' END, t);
        EXECUTE format('ALTER TABLE cmodel.%I ENABLE ALWAYS TRIGGER cmodel_registry_lock_row', t);
    END LOOP;
    /* cmodel's triggers on model and core tables, made ENABLE ORIGIN before */
    FOR r IN SELECT tg.tgrelid::pg_catalog.regclass AS tbl, tg.tgname
               FROM pg_catalog.pg_trigger tg
               JOIN pg_catalog.pg_proc p ON p.oid OPERATOR(pg_catalog.=) tg.tgfoid
              WHERE p.pronamespace OPERATOR(pg_catalog.=) 'cmodel'::pg_catalog.regnamespace
                AND tg.tgname IN ('cmodel_write', 'cmodel_on_delete', 'cmodel_on_truncate')
                AND tg.tgenabled OPERATOR(pg_catalog.<>) 'A'
              ORDER BY 1, 2
    LOOP
        EXECUTE format('ALTER TABLE %s ENABLE ALWAYS TRIGGER %I', r.tbl, r.tgname);
    END LOOP;
    FOR r IN SELECT tg.tgrelid::pg_catalog.regclass AS tbl
               FROM pg_catalog.pg_trigger tg
               JOIN pg_catalog.pg_proc p ON p.oid OPERATOR(pg_catalog.=) tg.tgfoid
              WHERE p.pronamespace OPERATOR(pg_catalog.=) 'cmodel'::pg_catalog.regnamespace
                AND tg.tgname OPERATOR(pg_catalog.=) 'cmodel_on_delete'
              ORDER BY 1
    LOOP
        EXECUTE format('CREATE TRIGGER cmodel_on_delete_row AFTER DELETE ON %s'
                       ' FOR EACH ROW EXECUTE FUNCTION cmodel.on_delete_row()', r.tbl);
        EXECUTE format('ALTER TABLE %s ENABLE REPLICA TRIGGER cmodel_on_delete_row', r.tbl);
    END LOOP;
END;
$$;

CREATE FUNCTION cmodel.guard_ddl_command_end()
RETURNS event_trigger
LANGUAGE c
VOLATILE
PARALLEL UNSAFE
AS 'MODULE_PATHNAME', 'cmodel_guard_ddl_command_end';
COMMENT ON FUNCTION cmodel.guard_ddl_command_end() IS
'Event trigger (ddl_command_end): reject what the statement made depend on a temporary object if namespace objects would go with it';

CREATE EVENT TRIGGER cmodel_guard_ddl_command_end ON ddl_command_end
    EXECUTE FUNCTION cmodel.guard_ddl_command_end();
ALTER EVENT TRIGGER cmodel_guard_ddl_command_end ENABLE ALWAYS;
COMMENT ON EVENT TRIGGER cmodel_guard_ddl_command_end IS
'cmodel lifecycle guard: nothing of a namespace depends on a temporary object';
REVOKE ALL ON FUNCTION cmodel.guard_ddl_command_end() FROM PUBLIC;
