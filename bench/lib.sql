-- bench/lib.sql — loaded into both benchmark databases by bench/run.sh:
-- where the measuring DO blocks leave their per-iteration timings, and the
-- one-line summary run.sh reads back.
\set ON_ERROR_STOP 1

CREATE SCHEMA bench;

-- One row per measured case: milliseconds of the measured statement(s) and
-- of the COMMIT that follows them, one element per measured iteration.
CREATE TABLE bench.timing (
    label text PRIMARY KEY,
    ms float8[] NOT NULL,
    commit_ms float8[] NOT NULL
);

-- label|iterations|median|mean|p95|min|commit median (ms, 3 decimals)
CREATE FUNCTION bench.summary(p_label text)
RETURNS text
LANGUAGE sql
STABLE
AS $$
    SELECT concat_ws('|', t.label, cardinality(t.ms),
                     to_char(s.median, 'FM999990.000'), to_char(s.mean, 'FM999990.000'),
                     to_char(s.p95, 'FM999990.000'), to_char(s.min, 'FM999990.000'),
                     to_char(c.median, 'FM999990.000'))
      FROM bench.timing t,
           LATERAL (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY v) AS median,
                           avg(v) AS mean,
                           percentile_cont(0.95) WITHIN GROUP (ORDER BY v) AS p95,
                           min(v) AS min
                      FROM unnest(t.ms) v) s,
           LATERAL (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY v) AS median
                      FROM unnest(t.commit_ms) v) c
     WHERE t.label = p_label
$$;
