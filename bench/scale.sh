#!/usr/bin/env bash
# bench/scale.sh — does registration's full check cost the same in a small
# and in a large database?  (`make bench-scale`, or `bash bench/scale.sh`,
# as root from the repository root.)  See bench/README.md.
#
#   1. builds and installs the extension (skip with BENCH_NO_INSTALL=1);
#   2. starts a throwaway PostgreSQL 15 (test/cluster.sh) and registers a
#      four-model namespace (bench/scale_setup.sql) into $BENCH_SMALL
#      namespaces;
#   3. times the full check of one of them: $BENCH_ROUNDS rounds, each in a
#      fresh session, of $BENCH_ITER calls after $BENCH_WARMUP unmeasured ones
#      (the no-op cache never answers; nothing needs changing);
#   4. registers the same models into more namespaces, up to $BENCH_LARGE,
#      and times the same check the same way;
#   5. prints both medians and the ratio large/small (target <= 1.2).  The
#      two cannot alternate (the database only grows), so each is the
#      median of its rounds' medians.
#
# The benchmark reports; it never fails because a ratio missed its target.
# Environment: BENCH_SMALL (10), BENCH_LARGE (1000), BENCH_ITER (50),
# BENCH_WARMUP (10), BENCH_ROUNDS (3), BENCH_PORT (54345), BENCH_NO_INSTALL=1,
# PG_CONFIG.
set -euo pipefail
shopt -s inherit_errexit

cd "$(dirname "${BASH_SOURCE[0]}")/.."

PG_BIN=/usr/lib/postgresql/15/bin
PG_CONFIG=${PG_CONFIG:-$PG_BIN/pg_config}
PORT=${BENCH_PORT:-54345}
SMALL=${BENCH_SMALL:-10}
LARGE=${BENCH_LARGE:-1000}
ITER=${BENCH_ITER:-50}
WARMUP=${BENCH_WARMUP:-10}
ROUNDS=${BENCH_ROUNDS:-3}

for v in SMALL LARGE ITER WARMUP ROUNDS; do
	if ! [[ ${!v} =~ ^[1-9][0-9]*$ ]]; then
		echo "bench: BENCH_$v must be a whole number of at least 1, not '${!v}'" >&2
		exit 2
	fi
done
if ((LARGE <= SMALL)); then
	echo "bench: BENCH_LARGE ($LARGE) must be more than BENCH_SMALL ($SMALL)" >&2
	exit 2
fi
# shellcheck source=bench/prepare.sh
. bench/prepare.sh bench-scale

bench_cluster scale "$PORT"

q() {
	cluster_psql -q -At -v ON_ERROR_STOP=1 -P pager=off -d scale "$@" </dev/null
}
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'
}

cluster_psql -q -v ON_ERROR_STOP=1 -d postgres -c 'CREATE DATABASE scale' </dev/null
q -f bench/scale_setup.sql >/dev/null
VERSION=$(q -c 'SHOW server_version')

# check N — ROUNDS medians of the full check with N namespaces, each round
# in a fresh session after a CHECKPOINT; prints the median of the rounds.
check() {
	local n=$1 r out=()
	for ((r = 1; r <= ROUNDS; r++)); do
		q -c CHECKPOINT
		out+=("$(q -c "SELECT scale_check($ITER, $WARMUP)")")
		echo "    $n namespaces, round $r: ${out[-1]} ms" >&2
	done
	median "${out[@]}"
}

echo "==> registering the four models into $SMALL namespaces"
q -c "CALL scale_fill($SMALL)"
q -c 'VACUUM ANALYZE'
echo "==> the full check with $SMALL namespaces: $ROUNDS rounds of $ITER calls"
small=$(check "$SMALL")
echo "==> registering the four models into $LARGE namespaces"
q -c "CALL scale_fill($LARGE)"
q -c 'VACUUM ANALYZE'
rels=$(q -c "SELECT count(*) FROM pg_class")
echo "==> the full check with $LARGE namespaces ($rels relations): $ROUNDS rounds of $ITER calls"
large=$(check "$LARGE")

r=$(ratio "$large" "$small")
met=$(awk -v r="$r" 'BEGIN { print (r <= 1.2) ? "met" : "MISSED" }')
echo
echo "cmodel registration scaling benchmark — PostgreSQL $VERSION (median ms of the full,"
echo "uncached check of a four-model namespace that needs no change)"
echo
printf '%-40s %10s\n' "namespaces in the database" "full check"
printf '%-40s %10s\n' ---------------------------------------- ----------
printf '%-40s %10s\n' "$SMALL" "$small"
printf '%-40s %10s\n' "$LARGE" "$large"
echo
echo "  large/small = $r   (target <= 1.2: $met)"
echo "summary: small=$SMALL:$small large=$LARGE:$large ratio=$r"
