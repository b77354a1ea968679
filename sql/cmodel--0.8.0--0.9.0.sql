/* cmodel--0.8.0--0.9.0.sql: the node catalog, what cmodel's triggers need
 * of the registry by schema and table name, so that a Citus shard on a
 * node without the registry is judged as its table (its on_delete rules,
 * auto_now columns and label); filled from the registry here, rewritten
 * per namespace by registration from now on. */

\echo Use "ALTER EXTENSION cmodel UPDATE TO '0.9.0'" to load this file. \quit

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

GRANT SELECT ON cmodel.node_catalog, cmodel.node_facts TO PUBLIC;

INSERT INTO cmodel.node_catalog SELECT * FROM cmodel.node_facts;
