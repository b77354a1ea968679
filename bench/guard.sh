#!/usr/bin/env bash
# bench/guard.sh — what the lifecycle guard costs outside namespaces
# (`make bench-guard`, or `bash bench/guard.sh`, as root from the repository
# root).  See bench/README.md for how to read the output.
#
#   1. builds and installs the extension (skip with BENCH_NO_INSTALL=1);
#   2. starts a throwaway PostgreSQL 15 (test/cluster.sh) with two databases:
#      guard_on  (cmodel installed, a core table and $BENCH_NAMESPACES
#                 namespaces of three registered models each, so the guard
#                 has a registry to consult) and
#      guard_off (no extension: the baseline, with the same schemas and
#                 tables, copied with pg_dump);
#   3. DDL: a procedure (guard_pairs.sql) creates and drops a table in public
#      (outside every namespace), each pair its own transaction, $BENCH_PAIRS
#      times per database, in $BENCH_ROUNDS chunks that alternate between the
#      databases; each chunk is a fresh session whose backend CPU time (from
#      /proc/self/schedstat) and wall time are read on the server;
#   4. DML: pgbench's built-in TPC-B-like script (pgbench -i tables in each
#      database), $BENCH_TXNS transactions per database, chunked the same way;
#   5. prints each side's means, the ratios guard_on/guard_off (DDL target
#      <= 1.05, on backend CPU time; DML shows the guard has no part in DML),
#      the median of the chunk-by-chunk ratios, and a summary line;
#   6. always stops the server and removes the temp dir.
#
# synchronous_commit is off, so commit flushes do not hide the DDL's own
# cost (the ratio is stricter than with a disk flush in every pair), and
# autovacuum is off: every pgbench run starts after a VACUUM of its
# database instead, so catalog bloat from earlier runs is the same for both.  Exit
# status is non-zero only on errors, never because a ratio missed its
# target: the benchmark reports, it does not assert.
#
# Environment: BENCH_PAIRS (2000), BENCH_ROUNDS (10), BENCH_TXNS (5000),
# BENCH_NAMESPACES (20), BENCH_PORT (54341), BENCH_NO_INSTALL=1, PG_CONFIG.
set -euo pipefail
shopt -s inherit_errexit

cd "$(dirname "${BASH_SOURCE[0]}")/.."

PG_BIN=/usr/lib/postgresql/15/bin
PG_CONFIG=${PG_CONFIG:-$PG_BIN/pg_config}
PORT=${BENCH_PORT:-54341}
PAIRS=${BENCH_PAIRS:-2000}
ROUNDS=${BENCH_ROUNDS:-10}
TXNS=${BENCH_TXNS:-5000}
NAMESPACES=${BENCH_NAMESPACES:-20}
TARGET=1.05

for v in PAIRS ROUNDS TXNS NAMESPACES; do
	if ! [[ ${!v} =~ ^[1-9][0-9]*$ ]]; then
		echo "bench: BENCH_$v must be a whole number of at least 1, not '${!v}'" >&2
		exit 2
	fi
done
# shellcheck source=bench/prepare.sh
. bench/prepare.sh bench-guard

# The cluster lives in memory (/dev/shm) when it can: every CREATE TABLE
# creates files and every DROP removes them, and on a disk file system the
# cost of finding free inodes depends on where each database's directory
# landed, which differs between the two databases by more than the guard
# costs.  tmpfs has no such difference.
if [ -z "${CLUSTER_TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
	export CLUSTER_TMPDIR=/dev/shm
fi
# shellcheck source=test/cluster.sh
. test/cluster.sh
cluster_init guard "$PORT"
cluster_start -c fsync=off -c synchronous_commit=off -c autovacuum=off

q() {
	local db=$1
	shift
	cluster_psql -q -At -v ON_ERROR_STOP=1 -P pager=off -d "$db" "$@" </dev/null
}

echo "==> setting up: guard_on ($NAMESPACES namespaces), guard_off (no extension)"
q postgres -c 'CREATE DATABASE guard_on' -c 'CREATE DATABASE guard_off'
VERSION=$(q postgres -c 'SHOW server_version')
q guard_on -v namespaces="$NAMESPACES" -f bench/guard_setup.sql >/dev/null
for db in guard_on guard_off; do
	q "$db" -f bench/guard_pairs.sql
done
# The baseline gets the same schemas and tables, without the extension, so
# the two catalogs are the same size and only the guard differs.  cmodel's
# data triggers call the extension's functions, which the baseline lacks:
# they are left out (they fire for DML on namespace tables, never for DDL).
"$PG_BIN/pg_dump" -h "$CLUSTER_SOCK" -p "$CLUSTER_PORT" -U postgres -n 'plugin_*' -t public.staff \
	-f "$CLUSTER_WORK/namespaces.sql" guard_on
sed -i -e '/^CREATE TRIGGER .* EXECUTE FUNCTION cmodel\./d' \
	-e '/^ALTER TABLE .* ENABLE \(ALWAYS\|REPLICA\) TRIGGER cmodel_/d' "$CLUSTER_WORK/namespaces.sql"
q guard_off -f "$CLUSTER_WORK/namespaces.sql" >/dev/null
for db in guard_on guard_off; do
	"$PG_BIN/pgbench" -h "$CLUSTER_SOCK" -p "$CLUSTER_PORT" -U postgres -i -q -s 1 "$db" \
		>"$CLUSTER_WORK/pgbench-init-$db.log" 2>&1 ||
		{ cat "$CLUSTER_WORK/pgbench-init-$db.log"; exit 1; }
done


# pgb DB N ARGS... — pgbench with one client, after a VACUUM so that the
# dead catalog rows of earlier runs weigh the same on both sides; prints its
# latency average (ms)
pgb() {
	local db=$1 n=$2 out lat
	shift 2
	q "$db" -c VACUUM
	if ! out=$("$PG_BIN/pgbench" -h "$CLUSTER_SOCK" -p "$CLUSTER_PORT" -U postgres -n \
		-M simple -t "$n" "$@" "$db" 2>&1); then
		echo "$out" >&2
		echo "bench: pgbench on $db failed" >&2
		return 1
	fi
	lat=$(echo "$out" | sed -n 's/^latency average = \([0-9.]*\) ms$/\1/p')
	[ -n "$lat" ] || { echo "$out" >&2; return 1; }
	echo "$lat"
}

# ddl_rounds — PAIRS pairs per database on the server (guard_chunk.sql), as
# ROUNDS chunks that alternate between the databases in ABBA order, so that
# drift in the machine weighs on both sides alike.  Prints
# "on_cpu|off_cpu|median_chunk_cpu_ratio|on_wall|off_wall": microseconds
# per pair (backend CPU time, and wall time), mean over the chunks.
ddl_rounds() {
	local r n db on_cpu=0 off_cpu=0 on_wall=0 off_wall=0 ratios=()
	local -A res
	n=$((PAIRS / ROUNDS))
	for ((r = 1; r <= ROUNDS; r++)); do
		local order=(guard_on guard_off)
		((r % 4 == 1 || r % 4 == 0)) || order=(guard_off guard_on)
		for db in "${order[@]}"; do
			q "$db" -c VACUUM
			res[$db]=$(q "$db" -v n="$n" -v warmup=20 -f bench/guard_chunk.sql | tail -n 1)
		done
		ratios+=("$(ratio "${res[guard_on]%|*}" "${res[guard_off]%|*}")")
		on_cpu=$(awk -v a="$on_cpu" -v b="${res[guard_on]%|*}" 'BEGIN { print a + b }')
		off_cpu=$(awk -v a="$off_cpu" -v b="${res[guard_off]%|*}" 'BEGIN { print a + b }')
		on_wall=$(awk -v a="$on_wall" -v b="${res[guard_on]#*|}" 'BEGIN { print a + b }')
		off_wall=$(awk -v a="$off_wall" -v b="${res[guard_off]#*|}" 'BEGIN { print a + b }')
		echo "    ddl chunk $r ($n pairs each): cpu us/pair guard_on ${res[guard_on]%|*}," \
			"guard_off ${res[guard_off]%|*}, ratio ${ratios[-1]}" >&2
	done
	awk -v a="$on_cpu" -v b="$off_cpu" -v c="$on_wall" -v d="$off_wall" -v r="$ROUNDS" \
		-v m="$(median "${ratios[@]}")" \
		'BEGIN { printf "%.1f|%.1f|%s|%.1f|%.1f", a / r, b / r, m, c / r, d / r }'
}

# dml_rounds — TXNS pgbench TPC-B-like transactions per database, chunked
# and alternated the same way; prints "on_ms|off_ms|median_chunk_ratio"
# (client-observed latency).
dml_rounds() {
	local r n on off ratios=() sum_on=0 sum_off=0
	n=$((TXNS / ROUNDS))
	pgb guard_on "$((n / 4 + 1))" -b tpcb-like >/dev/null
	pgb guard_off "$((n / 4 + 1))" -b tpcb-like >/dev/null
	for ((r = 1; r <= ROUNDS; r++)); do
		if ((r % 4 == 1 || r % 4 == 0)); then
			on=$(pgb guard_on "$n" -b tpcb-like)
			off=$(pgb guard_off "$n" -b tpcb-like)
		else
			off=$(pgb guard_off "$n" -b tpcb-like)
			on=$(pgb guard_on "$n" -b tpcb-like)
		fi
		ratios+=("$(ratio "$on" "$off")")
		sum_on=$(awk -v a="$sum_on" -v b="$on" 'BEGIN { print a + b }')
		sum_off=$(awk -v a="$sum_off" -v b="$off" 'BEGIN { print a + b }')
		echo "    dml chunk $r ($n each): guard_on $on ms, guard_off $off ms, ratio ${ratios[-1]}" >&2
	done
	awk -v a="$sum_on" -v b="$sum_off" -v r="$ROUNDS" -v m="$(median "${ratios[@]}")" \
		'BEGIN { printf "%.4f|%.4f|%s", a / r, b / r, m }'
}
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'
}

echo "==> DDL: $PAIRS CREATE TABLE / DROP TABLE pairs per database, in $ROUNDS alternating chunks"
ddl=$(ddl_rounds)
echo "==> DML: $TXNS TPC-B-like transactions per database, in $ROUNDS alternating chunks"
dml=$(dml_rounds)

IFS='|' read -r ddl_on ddl_off ddl_med ddl_on_wall ddl_off_wall <<<"$ddl"
IFS='|' read -r dml_on dml_off dml_med <<<"$dml"
r_ddl=$(ratio "$ddl_on" "$ddl_off")
r_ddl_wall=$(ratio "$ddl_on_wall" "$ddl_off_wall")
r_dml=$(ratio "$dml_on" "$dml_off")
met=$(awk -v r="$r_ddl" -v t="$TARGET" 'BEGIN { print (r <= t) ? "met" : "MISSED" }')
echo
echo "cmodel guard benchmark — PostgreSQL $VERSION, $NAMESPACES namespaces in guard_on"
echo "(means over $ROUNDS alternating chunks; fsync and synchronous_commit off, so"
echo " the ratios show CPU cost, not disk flushes)"
echo
printf '%-58s %10s %10s %8s %8s\n' case guard_on guard_off ratio median
printf '%-58s %10s %10s %8s %8s\n' ---------------------------------------------------------- ---------- ---------- -------- --------
printf '%-58s %10s %10s %8s %8s\n' "DDL pair in public, backend CPU us (CREATE + DROP TABLE)" "$ddl_on" "$ddl_off" "$r_ddl" "$ddl_med"
printf '%-58s %10s %10s %8s %8s\n' "DDL pair in public, wall us" "$ddl_on_wall" "$ddl_off_wall" "$r_ddl_wall" ""
printf '%-58s %10s %10s %8s %8s\n' "DML: pgbench tpcb-like transaction, client ms" "$dml_on" "$dml_off" "$r_dml" "$dml_med"
echo
echo "summary: guard ddl ratio = $r_ddl (backend CPU; target <= $TARGET, $met; chunk median $ddl_med;" \
	"wall $r_ddl_wall), dml ratio = $r_dml; us per pair: $ddl_on with the guard, $ddl_off without"
