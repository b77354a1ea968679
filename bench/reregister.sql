-- bench/reregister.sql — case (b): register BenchRecord again, unchanged,
-- into the namespace where it is already registered (the no-op path every
-- deploy after the first takes).
--
-- psql variables: ns, model, warmup, iterations, label.  Times one statement
-- per iteration, as a client would send it:
--     SELECT count(*) FROM cmodel_register_model(ns, descriptor::json)
-- and, separately, its COMMIT.  Each iteration is its own transaction.  With
-- cold=1 each iteration appends one more space to the descriptor, so the
-- no-op cache never answers and the full check (snapshot, parse, validate,
-- plan) runs every time.  A
-- re-registration that plans any action is an error: the measurement would
-- not be of the no-op path.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET bench.ns = :'ns';
SET bench.model = :'model';
SET bench.warmup = :'warmup';
SET bench.iterations = :'iterations';
SET bench.label = :'label';
\if :{?cold}
\else
\set cold 0
\endif
SET bench.cold = :'cold';

DO $bench$
DECLARE
    ns text := current_setting('bench.ns');
    model_desc text := current_setting('bench.model');
    cold boolean := current_setting('bench.cold')::int = 1;
    warmup int := current_setting('bench.warmup')::int;
    iters int := current_setting('bench.iterations')::int;
    n bigint;
    t0 timestamptz;
    t1 timestamptz;
    t2 timestamptz;
    ms float8[] := '{}';
    commit_ms float8[] := '{}';
BEGIN
    FOR i IN 1 .. warmup + iters LOOP
        t0 := clock_timestamp();
        EXECUTE 'SELECT count(*) FROM cmodel_register_model($1, $2::json)'
            INTO n USING ns, CASE WHEN cold THEN model_desc || repeat(' ', i) ELSE model_desc END;
        t1 := clock_timestamp();
        COMMIT;
        t2 := clock_timestamp();
        IF n <> 0 THEN
            RAISE EXCEPTION 're-registering BenchRecord into % returned % actions, expected none', ns, n;
        END IF;
        IF i > warmup THEN
            ms := ms || extract(epoch FROM t1 - t0)::float8 * 1000;
            commit_ms := commit_ms || extract(epoch FROM t2 - t1)::float8 * 1000;
        END IF;
    END LOOP;
    INSERT INTO bench.timing VALUES (current_setting('bench.label'), ms, commit_ms);
END
$bench$;

SELECT bench.summary(:'label');
