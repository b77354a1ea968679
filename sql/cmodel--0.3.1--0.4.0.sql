/* cmodel--0.3.1--0.4.0.sql: the attribute hub type */

\echo Use "ALTER EXTENSION cmodel UPDATE TO '0.4.0'" to load this file. \quit

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
