/* cmodel--0.3.0--0.3.1.sql: true parallel labels */

\echo Use "ALTER EXTENSION cmodel UPDATE TO '0.3.1'" to load this file. \quit

/*
 * The plan functions check default and condition values in
 * subtransactions, and the preview builds cached rules from the latest
 * snapshot: neither is possible during a parallel operation, so both were
 * wrongly PARALLEL RESTRICTED (force_parallel_mode = on made them fail).
 */
ALTER FUNCTION @extschema@.cmodel_plan_model(text, json) PARALLEL UNSAFE;
ALTER FUNCTION @extschema@.cmodel_plan_model(text, text) PARALLEL UNSAFE;
ALTER FUNCTION @extschema@.cmodel_plan_model(text, jsonb) PARALLEL UNSAFE;
ALTER FUNCTION @extschema@.cmodel_plan_models(text, json, text) PARALLEL UNSAFE;
ALTER FUNCTION @extschema@.cmodel_plan_models(text, text, text) PARALLEL UNSAFE;
ALTER FUNCTION @extschema@.cmodel_plan_models(text, jsonb, text) PARALLEL UNSAFE;
ALTER FUNCTION @extschema@.cmodel_delete_preview(pg_catalog.regclass, anyarray) PARALLEL UNSAFE;

/* Internal, called with two table oids; a NULL would be read as oid 0. */
ALTER FUNCTION cmodel.core_model_moved(pg_catalog.oid, pg_catalog.regclass) STRICT PARALLEL UNSAFE;
