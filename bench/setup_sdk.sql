-- bench/setup_sdk.sql — the baseline database (no cmodel): schema :ns with
-- the tables the SDK's DDL builds on its first deploy, so case (c) measures
-- the re-deploys.  psql variables: ns, owner_ddl, ddl (JSON arrays of
-- statements).
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE SCHEMA :"ns";
SET bench.ddl = :'owner_ddl';
DO $$
DECLARE
    stmt text;
BEGIN
    FOR stmt IN SELECT json_array_elements_text(current_setting('bench.ddl')::json) LOOP
        EXECUTE stmt;
    END LOOP;
END
$$;
SET bench.ddl = :'ddl';
DO $$
DECLARE
    stmt text;
BEGIN
    FOR stmt IN SELECT json_array_elements_text(current_setting('bench.ddl')::json) LOOP
        EXECUTE stmt;
    END LOOP;
END
$$;
