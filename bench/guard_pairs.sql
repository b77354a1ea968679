-- bench/guard_pairs.sql: installed in both databases of bench/guard.sh.
-- guard_bench_pairs(n) creates and drops a table in public n times, each
-- pair its own transaction; guard_bench_cpu_ns() is this backend's CPU time
-- so far (from /proc/self/schedstat), so a chunk's cost can be read on the
-- server without the client's or the scheduler's noise.
CREATE PROCEDURE public.guard_bench_pairs(n integer)
LANGUAGE plpgsql
AS $$
BEGIN
    FOR i IN 1 .. n LOOP
        EXECUTE 'CREATE TABLE public.bench_guard_pair (id bigint PRIMARY KEY, body text, n integer)';
        EXECUTE 'DROP TABLE public.bench_guard_pair';
        COMMIT;
    END LOOP;
END
$$;

CREATE FUNCTION public.guard_bench_cpu_ns()
RETURNS bigint
LANGUAGE sql
VOLATILE
AS $$
    SELECT split_part(pg_catalog.pg_read_file('/proc/self/schedstat'), ' ', 1)::bigint
$$;
