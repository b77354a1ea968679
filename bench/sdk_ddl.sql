-- bench/sdk_ddl.sql — case (c), the baseline: the SDK's own idempotent DDL
-- for BenchRecord as it re-runs on every deploy, against the table it has
-- already built (so every statement is a no-op, as in case (b)).  Runs in a
-- database without cmodel.
--
-- psql variables: ddl (a JSON array of the statements: CREATE TABLE IF NOT
-- EXISTS, 50 ALTER TABLE ... ADD COLUMN IF NOT EXISTS, 10 CREATE [UNIQUE]
-- INDEX IF NOT EXISTS), warmup, iterations.  Each iteration EXECUTEs all of
-- them in one transaction (the cheapest way to send them: one lock on the
-- table, no per-statement commit) and times them together, then, separately,
-- the COMMIT.  The "already exists, skipping" notices are not sent
-- (client_min_messages = warning), which also favours the baseline.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET bench.ddl = :'ddl';
SET bench.warmup = :'warmup';
SET bench.iterations = :'iterations';

DO $bench$
DECLARE
    ddl text[] := ARRAY(SELECT json_array_elements_text(current_setting('bench.ddl')::json));
    warmup int := current_setting('bench.warmup')::int;
    iters int := current_setting('bench.iterations')::int;
    stmt text;
    t0 timestamptz;
    t1 timestamptz;
    t2 timestamptz;
    ms float8[] := '{}';
    commit_ms float8[] := '{}';
BEGIN
    FOR i IN 1 .. warmup + iters LOOP
        t0 := clock_timestamp();
        FOREACH stmt IN ARRAY ddl LOOP
            EXECUTE stmt;
        END LOOP;
        t1 := clock_timestamp();
        COMMIT;
        t2 := clock_timestamp();
        IF i > warmup THEN
            ms := ms || extract(epoch FROM t1 - t0)::float8 * 1000;
            commit_ms := commit_ms || extract(epoch FROM t2 - t1)::float8 * 1000;
        END IF;
    END LOOP;
    INSERT INTO bench.timing VALUES ('sdk_ddl', ms, commit_ms);
END
$bench$;

SELECT bench.summary('sdk_ddl');
