/* cmodel--0.4.0--0.5.0.sql: every namespace's hub store and its functions */

\echo Use "ALTER EXTENSION cmodel UPDATE TO '0.5.0'" to load this file. \quit

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

/*
 * Namespaces made before 0.5.0 get their store, made as registration makes
 * it (upgrade.c); the helper is dropped again.
 */
CREATE FUNCTION cmodel.install_hub_stores()
RETURNS void
LANGUAGE C
VOLATILE
AS 'MODULE_PATHNAME', 'cmodel_install_hub_stores';
SELECT cmodel.install_hub_stores();
DROP FUNCTION cmodel.install_hub_stores();
