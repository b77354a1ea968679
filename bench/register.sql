-- bench/register.sql — case (a): register BenchRecord into a fresh namespace
-- (a create: its table, its 50 columns and 10 indexes), once per iteration.
--
-- psql variables: owner, model (descriptors), warmup, iterations,
-- expect_actions.  Each iteration first registers BenchOwner (the foreign
-- keys' target; this also creates the namespace) and commits, untimed; then
-- times exactly one statement, as a client would send it:
--     SELECT count(*) FROM cmodel_register_model(ns, descriptor::json)
-- and, separately, its COMMIT.  Each iteration is its own transaction.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET bench.owner = :'owner';
SET bench.model = :'model';
SET bench.warmup = :'warmup';
SET bench.iterations = :'iterations';
SET bench.expect_actions = :'expect_actions';

DO $bench$
DECLARE
    owner_desc text := current_setting('bench.owner');
    model_desc text := current_setting('bench.model');
    warmup int := current_setting('bench.warmup')::int;
    iters int := current_setting('bench.iterations')::int;
    expect bigint := current_setting('bench.expect_actions')::bigint;
    ns text;
    n bigint;
    t0 timestamptz;
    t1 timestamptz;
    t2 timestamptz;
    ms float8[] := '{}';
    commit_ms float8[] := '{}';
BEGIN
    FOR i IN 1 .. warmup + iters LOOP
        ns := 'bench_a_' || i;
        EXECUTE 'SELECT count(*) FROM cmodel_register_model($1, $2::json)'
            INTO n USING ns, owner_desc;
        COMMIT;
        t0 := clock_timestamp();
        EXECUTE 'SELECT count(*) FROM cmodel_register_model($1, $2::json)'
            INTO n USING ns, model_desc;
        t1 := clock_timestamp();
        COMMIT;
        t2 := clock_timestamp();
        IF n <> expect THEN
            RAISE EXCEPTION 'registering BenchRecord into % returned % actions, expected %',
                ns, n, expect;
        END IF;
        IF i > warmup THEN
            ms := ms || extract(epoch FROM t1 - t0)::float8 * 1000;
            commit_ms := commit_ms || extract(epoch FROM t2 - t1)::float8 * 1000;
        END IF;
    END LOOP;
    INSERT INTO bench.timing VALUES ('register', ms, commit_ms);
END
$bench$;

SELECT bench.summary('register');
