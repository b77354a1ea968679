/* cmodel--0.9.0--0.10.0.sql: a namespace's rule set.  A namespace is
 * created with Canvas's rules (the SDK's, and every namespace's so far) or
 * Django's (any primary key, unique=True, NOT NULL unless null=True,
 * CharField as varchar(max_length)), recorded in the registry. */

\echo Use "ALTER EXTENSION cmodel UPDATE TO '0.10.0'" to load this file. \quit

ALTER TABLE cmodel.reg_namespace
    ADD COLUMN rules text NOT NULL DEFAULT 'canvas'
        CONSTRAINT reg_namespace_rules_check CHECK (rules OPERATOR(pg_catalog.=) ANY (ARRAY['canvas', 'django']));
COMMENT ON TABLE cmodel.reg_namespace IS 'Schemas owned by cmodel (one per plugin namespace); generation counts changes to a namespace''s registry and schema; rules is the rule set its models are validated by (canvas or django), chosen at creation';

CREATE OR REPLACE VIEW cmodel.namespaces AS
SELECT n.namespace,
       n.created_at,
       (SELECT pg_catalog.count(*) FROM cmodel.reg_model m
         WHERE m.namespace = n.namespace AND NOT m.retired) AS models,
       n.rules
  FROM cmodel.reg_namespace n;
COMMENT ON VIEW cmodel.namespaces IS 'Namespaces, how many active models each holds, and the rule set it validates them by';

DROP FUNCTION @extschema@.cmodel_create_namespace(text);
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
