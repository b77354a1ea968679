-- bench/hub_setup.sql — the same attribute hubs twice, in database hb:
--
--   hb_ns.cmodel_hubs   cmodel's hub store (namespace hb_ns): one row per
--                       hub, its attributes in one cmodel.hub value, one GIN
--                       index (cmodel.hub_ops) for finds
--   sdk.attribute_hub,  the Canvas SDK's tables: a hub row keyed by
--   sdk.custom_attribute  (type, id), one row per attribute keyed by
--                       (hub_id, name), a column per value type
--
-- :hubs hubs of type 'bench', ids '1'..':hubs', ten attributes each:
--   a0 bigint n, a1 text, a2 numeric, a3 date, a4 boolean, a5 text,
--   a6 bigint, a7 text, a8 numeric, score bigint (0..9999, a 1% range is
--   100 values wide).
-- And 1000 hubs of type 'wide' (100 bigint attributes w0..w99) and 1000 of
-- type 'narrow' (one, w0): setting one attribute in each.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION cmodel;
SELECT cmodel_create_namespace('hb_ns');
SET cmodel.max_bulk_rows = 0;

CREATE TEMP TABLE src AS
SELECT n,
       n::bigint AS a0,
       'text value ' || n AS a1,
       round((n % 977) * 1.25, 2) AS a2,
       DATE '2020-01-01' + (n % 1500) AS a3,
       n % 2 = 0 AS a4,
       md5(n::text) AS a5,
       (n * 7)::bigint AS a6,
       'label-' || (n % 50) AS a7,
       (n % 10007) / 4.0 AS a8,
       ((n * 7919) % 10000)::bigint AS score
  FROM generate_series(1, :hubs) n;

INSERT INTO hb_ns.cmodel_hubs (type, id, attrs)
SELECT 'bench', n::text,
       cmodel.hub(jsonb_build_object('a0', a0, 'a1', a1, 'a2', a2, 'a3', a3, 'a4', a4,
                                     'a5', a5, 'a6', a6, 'a7', a7, 'a8', a8, 'score', score,
                                     '$types', jsonb_build_object('a2', 'numeric', 'a3', 'date',
                                                                  'a8', 'numeric')))
  FROM src;
INSERT INTO hb_ns.cmodel_hubs (type, id, attrs)
SELECT 'wide', n::text, cmodel.hub((SELECT jsonb_object_agg('w' || k, k) FROM generate_series(0, 99) k))
  FROM generate_series(1, 1000) n;
INSERT INTO hb_ns.cmodel_hubs (type, id, attrs)
SELECT 'narrow', n::text, cmodel.hub('{"w0": 0}') FROM generate_series(1, 1000) n;

CREATE SCHEMA sdk;
CREATE TABLE sdk.attribute_hub (
    dbid serial PRIMARY KEY,
    type varchar(100) NOT NULL,
    id varchar(100) NOT NULL,
    UNIQUE (type, id)
);
CREATE TABLE sdk.custom_attribute (
    dbid serial PRIMARY KEY,
    hub_id integer NOT NULL REFERENCES sdk.attribute_hub (dbid),
    name varchar(100) NOT NULL,
    text_value text,
    date_value date,
    timestamp_value timestamptz,
    int_value integer,
    decimal_value numeric(20, 10),
    bool_value boolean,
    json_value jsonb,
    UNIQUE (hub_id, name)
);
-- hub dbid = n for the bench hubs, so a get "by hub id" and a get by
-- (type, id) name the same hub
INSERT INTO sdk.attribute_hub (dbid, type, id) SELECT n, 'bench', n::text FROM src;
INSERT INTO sdk.custom_attribute (hub_id, name, int_value) SELECT n, 'a0', a0 FROM src;
INSERT INTO sdk.custom_attribute (hub_id, name, text_value) SELECT n, 'a1', a1 FROM src;
INSERT INTO sdk.custom_attribute (hub_id, name, decimal_value) SELECT n, 'a2', a2 FROM src;
INSERT INTO sdk.custom_attribute (hub_id, name, date_value) SELECT n, 'a3', a3 FROM src;
INSERT INTO sdk.custom_attribute (hub_id, name, bool_value) SELECT n, 'a4', a4 FROM src;
INSERT INTO sdk.custom_attribute (hub_id, name, text_value) SELECT n, 'a5', a5 FROM src;
INSERT INTO sdk.custom_attribute (hub_id, name, int_value) SELECT n, 'a6', a6 FROM src;
INSERT INTO sdk.custom_attribute (hub_id, name, text_value) SELECT n, 'a7', a7 FROM src;
INSERT INTO sdk.custom_attribute (hub_id, name, decimal_value) SELECT n, 'a8', a8 FROM src;
INSERT INTO sdk.custom_attribute (hub_id, name, int_value) SELECT n, 'score', score FROM src;
SELECT setval('sdk.attribute_hub_dbid_seq', :hubs);

VACUUM ANALYZE;
CHECKPOINT;
