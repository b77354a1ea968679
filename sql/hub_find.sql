-- hub_find: conditions on hub attributes (cmodel.hubquery), hub @@ hubquery,
-- and the GIN operator class cmodel.hub_ops: the same answers from a
-- sequential scan and from one index, equality for every type, ranges for
-- numbers, dates and timestamps, 650 = 650.0, off-type values never match.
CREATE EXTENSION cmodel;
\set VERBOSITY default
\set SHOW_CONTEXT never

-- conditions: built from SQL values or written as JSON, canonical either way
SELECT cmodel.hub_query('score', '>=', 500) AS ge,
       cmodel.hub_query('name', '=', 'ann') AS text_eq,
       cmodel.hub_query('gone', '=', NULL::int) AS is_none,
       cmodel.hub_between('since', date '2024-01-01', date '2024-01-31') AS between_dates;
SELECT '{"attr": "seen", "type": "timestamptz", "gt": "2024-05-01 14:30+02"}'::cmodel.hubquery AS offset_in_utc_out,
       '{"attr": "cfg", "type": "json", "eq": {"b": [1, 2], "a": 1}}'::cmodel.hubquery AS json_eq,
       '{"attr": "n", "type": "bigint", "lt": 5}'::cmodel.hubquery AS bigint_is_number;

CREATE TABLE hubs (id integer PRIMARY KEY, attrs cmodel.hub) WITH (autovacuum_enabled = off);
-- 2,000 hubs; score alternates bigint and numeric with a fraction of zero
INSERT INTO hubs
SELECT g, cmodel.hub_set(cmodel.hub_set(cmodel.hub_set(cmodel.hub_set(cmodel.hub_set(cmodel.hub_set(NULL,
         'score', CASE WHEN g % 2 = 0 THEN (g - 1000)::numeric + 0.0 ELSE (g - 1000)::numeric END),
         'since', date '2020-01-01' + g),
         'seen', timestamptz '2024-01-01 00:00:00+00' + g * interval '1 hour 0.25 second'),
         'name', 'n' || (g % 50)),
         'on_call', g % 3 = 0),
         'cfg', jsonb_build_object('tier', g % 4))
  FROM generate_series(1, 2000) g;
UPDATE hubs SET attrs = cmodel.hub_set(cmodel.hub_set(attrs, 'score', 650), 'visits', 1) WHERE id = 1;
UPDATE hubs SET attrs = cmodel.hub_set(attrs, 'score', '650'::text) WHERE id = 2;       -- text, not a number
UPDATE hubs SET attrs = cmodel.hub_set(attrs, 'score', NULL::int) WHERE id = 3;         -- None
UPDATE hubs SET attrs = cmodel.hub_delete(attrs, 'score') WHERE id = 4;                 -- missing
UPDATE hubs SET attrs = cmodel.hub_set(attrs, 'since', '2020-04-01'::text) WHERE id = 5; -- a date as text
UPDATE hubs SET attrs = cmodel.hub_set(attrs, 'score', 9007199254740993::bigint) WHERE id = 6;
UPDATE hubs SET attrs = cmodel.hub_set(attrs, 'score', 9007199254740992::bigint) WHERE id = 7;
UPDATE hubs SET attrs = cmodel.hub_set(attrs, 'score', -0.5) WHERE id = 8;

CREATE TABLE queries (n serial, q cmodel.hubquery);
INSERT INTO queries (q) VALUES
    (cmodel.hub_query('score', '=', 650)),                  -- 650 (bigint, id 1) and 650.0 (numeric, id 1650)
    (cmodel.hub_query('score', '=', 650.0)),
    (cmodel.hub_query('score', '=', '650'::text)),          -- the text, only
    (cmodel.hub_query('score', '=', NULL::int)),            -- None
    (cmodel.hub_query('score', '>', 990)),
    (cmodel.hub_query('score', '>=', 990)),
    (cmodel.hub_query('score', '<', -995)),
    (cmodel.hub_query('score', '<=', -995)),
    (cmodel.hub_query('score', '<', 0)),
    (cmodel.hub_between('score', -1, 1)),
    (cmodel.hub_between('score', 9007199254740993, 9007199254740993)),  -- beyond float8's precision
    (cmodel.hub_query('score', '=', 9007199254740992)),
    (cmodel.hub_query('since', '=', date '2020-01-11')),
    (cmodel.hub_between('since', date '2020-02-01', date '2020-02-29')),
    (cmodel.hub_query('since', '>=', date '2025-06-01')),
    (cmodel.hub_query('since', '=', '2020-04-01'::text)),
    (cmodel.hub_query('seen', '>', timestamptz '2024-03-24 00:00:00+00')),
    (cmodel.hub_query('seen', '<=', timestamptz '2024-01-01 05:00:01.25+00')),
    (cmodel.hub_between('seen', timestamptz '2024-01-02 00:00+01', timestamptz '2024-01-02 12:00+01')),
    (cmodel.hub_query('name', '=', 'n7')),
    (cmodel.hub_query('on_call', '=', true)),
    (cmodel.hub_query('cfg', '=', '{"tier": 2}'::jsonb)),
    (cmodel.hub_query('visits', '=', 1)),
    (cmodel.hub_query('nobody', '=', 1)),
    (cmodel.hub_query('name', '>', 5));                     -- off-type: names are text
-- the answers from a sequential scan
SET enable_bitmapscan = off;
SET enable_indexscan = off;
CREATE TEMP TABLE by_scan AS
SELECT n, (SELECT array_agg(id ORDER BY id) FROM hubs h WHERE h.attrs @@ qs.q) AS ids FROM queries qs;
RESET enable_bitmapscan;
RESET enable_indexscan;
-- one index answers them all
CREATE INDEX hubs_attrs ON hubs USING gin (attrs);
ANALYZE hubs;
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM hubs WHERE attrs @@ cmodel.hub_query('score', '=', 650);
EXPLAIN (COSTS OFF) SELECT id FROM hubs WHERE attrs @@ cmodel.hub_between('since', date '2020-02-01', date '2020-02-29');
EXPLAIN (COSTS OFF)
SELECT n, (SELECT array_agg(id ORDER BY id) FROM hubs h WHERE h.attrs @@ qs.q) AS ids FROM queries qs;
CREATE TEMP TABLE by_index AS
SELECT n, (SELECT array_agg(id ORDER BY id) FROM hubs h WHERE h.attrs @@ qs.q) AS ids FROM queries qs;
RESET enable_seqscan;
SELECT qs.n, qs.q, cardinality(s.ids) AS found, CASE WHEN cardinality(s.ids) <= 4 THEN s.ids::text END AS ids,
       s.ids IS NOT DISTINCT FROM i.ids AS index_agrees
  FROM queries qs JOIN by_scan s USING (n) JOIN by_index i USING (n) ORDER BY qs.n;

-- error: malformed conditions
SELECT '{"eq": 1}'::cmodel.hubquery;
-- error:
SELECT '{"attr": "x", "eq": 1, "lt": 2}'::cmodel.hubquery;
-- error:
SELECT '{"attr": "x", "lt": 1, "le": 2}'::cmodel.hubquery;
-- error:
SELECT '{"attr": "x", "lt": "abc"}'::cmodel.hubquery;
-- error:
SELECT '{"attr": "x", "type": "date", "eq": "2024-02-30"}'::cmodel.hubquery;
-- error:
SELECT '{"attr": "x", "near": 1}'::cmodel.hubquery;
-- error:
SELECT cmodel.hub_query('x', '<', 'abc'::text);
-- error:
SELECT cmodel.hub_query('x', '~', 1);
-- error:
SELECT cmodel.hub_between('x', 1, date '2024-01-01');
-- error:
SELECT cmodel.hub_between('x', NULL::int, 5);

DROP TABLE hubs, queries;
DROP EXTENSION cmodel;
