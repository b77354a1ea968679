-- bench/guard_chunk.sql: one measured chunk of bench/guard.sh in a fresh
-- session: :warmup unmeasured pairs (the first loads the library and warms
-- the caches), then :n measured ones.  Prints cpu_us_per_pair|wall_us_per_pair.
CALL public.guard_bench_pairs(:warmup);
SELECT public.guard_bench_cpu_ns() AS cpu0, extract(epoch FROM clock_timestamp()) AS wall0 \gset
CALL public.guard_bench_pairs(:n);
SELECT round((public.guard_bench_cpu_ns() - :cpu0) / 1000.0 / :n, 2) || '|' ||
       round((extract(epoch FROM clock_timestamp()) - :wall0) * 1e6 / :n, 2);
