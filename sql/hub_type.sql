-- hub_type: the attribute hub value type cmodel.hub — input and output,
-- canonical forms, every value type's round trip, None against missing,
-- typed reads, setting, merging and deleting, bad input.
CREATE EXTENSION cmodel;
\set VERBOSITY default
\set SHOW_CONTEXT never

-- A hub is a JSON object; "$types" names the types JSON cannot show, and
-- the canonical form lists exactly those (numeric, date, timestamptz, json).
SELECT '{"pager_number": "555-1234", "visits": 12, "rate": 1.50, "on_call": true, "gone": null,
         "since": "2024-02-29", "seen": "2024-05-01T14:30:00+02:00",
         "office_hours": {"monday": "9-5", "tuesday": "9-5"},
         "$types": {"since": "date", "seen": "timestamptz"}}'::cmodel.hub AS h \gset
SELECT :'h'::cmodel.hub AS canonical;
SELECT name, type, value FROM cmodel.hub_each(:'h') ORDER BY name COLLATE "C";
-- canonical text is input too: the round trip is exact
SELECT (:'h'::cmodel.hub)::text::cmodel.hub::text = (:'h'::cmodel.hub)::text AS stable;
-- the same attributes written differently are the same hub
SELECT '{"b": 1, "a": "x", "$types": {"a": "text", "b": "bigint"}}'::cmodel.hub::text
     = '{"a": "x", "b": 1}'::cmodel.hub::text AS same_hub;

-- Every type reads back exactly, as its own SQL type.
SELECT cmodel.hub_get(:'h', 'pager_number', NULL::text) AS text_value,
       cmodel.hub_get(:'h', 'visits', NULL::bigint) AS bigint_value,
       cmodel.hub_get(:'h', 'rate', NULL::numeric) AS numeric_value,
       cmodel.hub_get(:'h', 'on_call', NULL::boolean) AS boolean_value,
       cmodel.hub_get(:'h', 'since', NULL::date) AS date_value,
       cmodel.hub_get(:'h', 'office_hours', NULL::jsonb) AS json_value;
SET TimeZone = 'UTC';
SELECT cmodel.hub_get(:'h', 'seen', NULL::timestamptz) AS timestamptz_value;
RESET TimeZone;
SELECT pg_typeof(cmodel.hub_get(:'h', 'visits', NULL::bigint)) AS bigint_type,
       pg_typeof(cmodel.hub_get(:'h', 'seen', NULL::timestamptz)) AS timestamptz_type;

-- bigint's limits, and numerics keep their scale
SELECT cmodel.hub_get(h, 'max', NULL::bigint) = 9223372036854775807 AS max_ok,
       cmodel.hub_get(h, 'min', NULL::bigint) = -9223372036854775808 AS min_ok,
       cmodel.hub_type(h, 'over') AS over_type,
       cmodel.hub_get(h, 'over', NULL::numeric) AS over,
       cmodel.hub_get(h, 'scaled', NULL::numeric)::text AS scaled,
       cmodel.hub_type(h, 'whole') AS whole_type
  FROM (SELECT '{"max": 9223372036854775807, "min": -9223372036854775808,
                 "over": 9223372036854775808, "scaled": 1.50, "whole": 650}'::cmodel.hub AS h) s;
SELECT cmodel.hub_set(cmodel.hub_set(NULL, 'a', 650::numeric), 'b', 650.0) AS numerics_typed;

-- None is set, missing is not: as jsonb, None is JSON null and missing is
-- SQL NULL; typed, both are SQL NULL
SELECT cmodel.hub_get(:'h', 'gone') AS none_as_jsonb,
       cmodel.hub_get(:'h', 'missing') IS NULL AS missing_is_sql_null,
       cmodel.hub_has(:'h', 'gone') AS has_none, cmodel.hub_has(:'h', 'missing') AS has_missing,
       cmodel.hub_type(:'h', 'gone') AS none_type, cmodel.hub_type(:'h', 'missing') AS missing_type,
       cmodel.hub_get(:'h', 'gone', NULL::text) IS NULL AS none_typed_null;
-- a JSON null is a JSON value, not None
SELECT cmodel.hub_type(h, 'j') AS json_null_type, cmodel.hub_get(h, 'j') AS as_jsonb,
       cmodel.hub_get(h, 'j', NULL::jsonb) AS typed
  FROM (SELECT '{"j": null, "$types": {"j": "json"}}'::cmodel.hub AS h) s;

-- Dates and timestamps: one ISO form whatever the session's settings; any
-- offset in, UTC out
SET DateStyle = 'SQL, DMY';
SET TimeZone = 'America/New_York';
SELECT cmodel.hub_set(cmodel.hub_set(NULL, 'd', '2024-02-29'::date),
                      't', '2024-05-01 08:30:00.250-04'::timestamptz) AS canonical_whatever_the_session;
RESET DateStyle;
RESET TimeZone;
SELECT '{"t": "2024-05-01 14:30+0230", "u": "2024-05-01T12:00:00Z", "v": "2024-05-01T12:00:00.000100-00:30",
         "$types": {"t": "timestamptz", "u": "timestamptz", "v": "timestamptz"}}'::cmodel.hub AS offsets;
-- every date of the years 1 to 9999 (one a month) and timestamps around
-- them round-trip as PostgreSQL's own values, and read as ISO text
SELECT count(*) AS dates,
       count(*) FILTER (WHERE cmodel.hub_get(cmodel.hub_set(NULL, 'd', d), 'd', NULL::date) = d
                          AND cmodel.hub_set(NULL, 'd', d)->>'d' = to_char(d, 'YYYY-MM-DD')) AS exact
  FROM generate_series(date '0001-01-01', date '9999-12-01', interval '1 month') g (t),
       LATERAL (SELECT t::date AS d) x;
SELECT count(*) AS timestamps,
       count(*) FILTER (WHERE cmodel.hub_get(cmodel.hub_set(NULL, 't', t), 't', NULL::timestamptz) = t) AS exact
  FROM generate_series(timestamptz '0001-01-02 00:00:00.000001+00', timestamptz '9999-12-30 23:59:59.999999+00',
                       interval '3 months 7 days 13:17:19.123457') g (t);

-- Setting keeps each value's type; NULL sets None; a NULL hub is empty,
-- so setting into it loses nothing
SELECT cmodel.hub_set(NULL, 'k', 'v') AS from_null,
       cmodel.hub_set('{"k": 1}', 'k', NULL::int) AS set_none,
       cmodel.hub_set(NULL, 'small', 7::smallint) AS small,
       cmodel.hub_set(NULL, 'f', 0.25::float8) AS float_as_numeric,
       cmodel.hub_set(NULL, 'j', '{"a": [1, 2]}'::json) AS json_value,
       cmodel.hub_set(NULL, 's', '"scalar"'::jsonb) AS json_scalar;
-- merging and deleting keep the types (jsonb's || and - would not)
SELECT cmodel.hub_set(NULL, 'n', 1.50) || cmodel.hub_set(NULL, 'd', '2020-01-01'::date) AS merged,
       (cmodel.hub_set(NULL, 'n', 1.50) || cmodel.hub_set(NULL, 'd', '2020-01-01'::date)) - 'n' AS deleted,
       cmodel.hub_set(NULL, 'k', 'left') || cmodel.hub_set(NULL, 'k', 2) AS right_wins,
       NULL::cmodel.hub || cmodel.hub_set(NULL, 'k', 1) AS null_merge,
       cmodel.hub_set(NULL, 'k', 1) - 'missing' AS delete_missing;

-- A hub is jsonb: it casts for free and reads naturally without cmodel's functions
SELECT (:'h'::cmodel.hub)->>'pager_number' AS natural_read,
       (:'h'::cmodel.hub) @> '{"on_call": true}' AS contains,
       pg_typeof((:'h'::cmodel.hub)::jsonb) AS cast_type,
       '{"a": 1.50}'::jsonb::cmodel.hub AS from_jsonb;
-- binary output and input (COPY BINARY) give the same hub back, validated
CREATE TABLE hub_bin (h cmodel.hub);
INSERT INTO hub_bin VALUES (:'h');
\copy hub_bin TO 'results/hub_bin.data' WITH (FORMAT binary)
TRUNCATE hub_bin;
\copy hub_bin FROM 'results/hub_bin.data' WITH (FORMAT binary)
SELECT h::text = (:'h'::cmodel.hub)::text AS binary_round_trip, length(cmodel.hub_send(h)) > 0 AS sent FROM hub_bin;
CREATE TABLE jsonb_bin (j jsonb);
INSERT INTO jsonb_bin VALUES ('{"d": "2024-13-01", "$types": {"d": "date"}}');
\copy jsonb_bin TO 'results/jsonb_bin.data' WITH (FORMAT binary)
-- error: binary input is validated too
\copy hub_bin FROM 'results/jsonb_bin.data' WITH (FORMAT binary)
DROP TABLE hub_bin, jsonb_bin;
CREATE TABLE hub_col (h cmodel.hub);
-- error: jsonb assigned to a hub column is validated
INSERT INTO hub_col VALUES ('{"d": "yesterday", "$types": {"d": "date"}}'::jsonb);
INSERT INTO hub_col VALUES ('{"d": "2024-01-01", "$types": {"d": "date"}}'::jsonb);
SELECT h, cmodel.hub_get(h, 'd', NULL::date) FROM hub_col;
DROP TABLE hub_col;

-- error: a value that is not what its type says names the attribute
SELECT '{"d": "2024-13-01", "$types": {"d": "date"}}'::cmodel.hub;
-- error:
SELECT '{"d": "01/02/2024", "$types": {"d": "date"}}'::cmodel.hub;
-- error: a timestamp needs its offset
SELECT '{"t": "2024-05-01T12:00:00", "$types": {"t": "timestamptz"}}'::cmodel.hub;
-- error:
SELECT '{"b": 1.0, "$types": {"b": "bigint"}}'::cmodel.hub;
-- error:
SELECT '{"b": 9223372036854775808, "$types": {"b": "bigint"}}'::cmodel.hub;
-- error:
SELECT '{"s": 5, "$types": {"s": "text"}}'::cmodel.hub;
-- error:
SELECT '{"n": "5", "$types": {"n": "numeric"}}'::cmodel.hub;
-- error:
SELECT '{"x": 1, "$types": {"x": "float"}}'::cmodel.hub;
-- error: not an object, a bad "$types", reserved and long names
SELECT '[1, 2]'::cmodel.hub;
-- error:
SELECT '{"a": 1, "$types": ["a"]}'::cmodel.hub;
-- error:
SELECT '{"$meta": 1}'::cmodel.hub;
-- error:
SELECT cmodel.hub_set(NULL, repeat('n', 101), 1);
SELECT cmodel.hub_has(cmodel.hub_set(NULL, repeat('n', 100), 1), repeat('n', 100)) AS hundred_ok;
-- error:
SELECT cmodel.hub_set(NULL, '', 1);
-- error:
SELECT cmodel.hub_set(NULL, NULL, 1);
-- "$types" entries of attributes the hub does not have are dropped
SELECT '{"a": 1, "$types": {"gone": "date"}}'::cmodel.hub AS dangling_type_dropped;

-- error: a typed read of another type is 42804, never a conversion
\set VERBOSITY sqlstate
SELECT cmodel.hub_get(:'h', 'rate', NULL::bigint);
\set VERBOSITY default
SELECT cmodel.hub_get(:'h', 'rate', NULL::bigint);
-- error:
SELECT cmodel.hub_get(:'h', 'visits', NULL::numeric);
-- error: types a hub does not keep
SELECT cmodel.hub_get(:'h', 'visits', NULL::int);
-- error: values a hub cannot hold
SELECT cmodel.hub_set(NULL, 'x', 'infinity'::date);
-- error:
SELECT cmodel.hub_set(NULL, 'x', 'NaN'::numeric);
-- error:
SELECT cmodel.hub_set(NULL, 'x', '2024-01-01 10:00'::timestamp);
-- error:
SELECT cmodel.hub_set(NULL, 'x', '1 day'::interval);
-- error:
SELECT cmodel.hub_set(NULL, 'x', '0044-03-15 BC'::date);

DROP EXTENSION cmodel;
