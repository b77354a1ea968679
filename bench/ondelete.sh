#!/usr/bin/env bash
# bench/ondelete.sh — on_delete through cmodel against PostgreSQL's own
# foreign keys, and what the write-time checks cost (`make bench-ondelete`,
# or `bash bench/ondelete.sh`, as root from the repository root).  See
# bench/README.md for how to read the output.
#
#   1. builds and installs the extension (skip with BENCH_NO_INSTALL=1);
#   2. starts a throwaway PostgreSQL 15 (test/cluster.sh) with one database
#      holding the same tables twice (bench/ondelete_setup.sql): schema nat
#      with REFERENCES ... ON DELETE CASCADE / SET NULL, namespace od
#      registered through cmodel;
#   3. for each delete case and each of $BENCH_ROUNDS rounds: fills both
#      sides with identical rows, VACUUM ANALYZE, CHECKPOINT, then runs the
#      DELETE on each side (the order alternates between rounds) and reads
#      its time on the server;
#   4. single-parent deletes: $BENCH_SINGLE one-row deletes per side, each a
#      statement of its own, in alternating chunks;
#   5. INSERT ... SELECT of $BENCH_INSERT_ROWS rows into od.entry (cmodel's
#      write trigger: value limits, row counting off with
#      cmodel.max_bulk_rows = 0) and into nat.entry (same columns, no
#      cmodel), into a table emptied in the same transaction (so with
#      wal_level=minimal neither side writes WAL for it): one unmeasured
#      warm-up each, then 2 x $BENCH_ROUNDS alternating rounds; then single-row INSERTs through pgbench
#      (prepared, synchronous_commit off), $BENCH_TXNS per side in
#      alternating chunks, compared by throughput;
#   5b. UPDATE ... SET n = n + 1 of $BENCH_UPDATE_ROWS rows of entry on each
#      side, tables filled afresh each round: an UPDATE that sets no text,
#      JSON or auto_now column, which cmodel's write trigger sits out;
#   6. prints medians per side, ratios cmodel/native with their targets, and
#      a summary line; always stops the server and removes the temp dir.
#
# The benchmark reports; it never fails because a ratio missed its target.
# Environment: BENCH_ROUNDS (3), BENCH_SINGLE (30000, at most 99000), BENCH_INSERT_ROWS
# (1000000), BENCH_UPDATE_ROWS (500000), BENCH_TXNS (60000), BENCH_PORT (54343), BENCH_NO_INSTALL=1,
# PG_CONFIG.
set -euo pipefail
shopt -s inherit_errexit

cd "$(dirname "${BASH_SOURCE[0]}")/.."

PG_BIN=/usr/lib/postgresql/15/bin
PG_CONFIG=${PG_CONFIG:-$PG_BIN/pg_config}
PORT=${BENCH_PORT:-54343}
ROUNDS=${BENCH_ROUNDS:-3}
SINGLE=${BENCH_SINGLE:-30000}
INSERT_ROWS=${BENCH_INSERT_ROWS:-1000000}
UPDATE_ROWS=${BENCH_UPDATE_ROWS:-500000}
TXNS=${BENCH_TXNS:-60000}

for v in ROUNDS SINGLE INSERT_ROWS UPDATE_ROWS TXNS; do
	if ! [[ ${!v} =~ ^[1-9][0-9]*$ ]]; then
		echo "bench: BENCH_$v must be a whole number of at least 1, not '${!v}'" >&2
		exit 2
	fi
done
if ((SINGLE > 99000)); then
	echo "bench: BENCH_SINGLE must be at most 99000 (there are 100000 parents)" >&2
	exit 2
fi
# shellcheck source=bench/prepare.sh
. bench/prepare.sh bench-ondelete

bench_cluster ondelete "$PORT" -c wal_level=minimal -c max_wal_senders=0

q() {
	cluster_psql -q -At -v ON_ERROR_STOP=1 -P pager=off -d od "$@" </dev/null
}
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'
}

echo "==> setting up: the same tables with native foreign keys (nat) and through cmodel (od)"
cluster_psql -q -v ON_ERROR_STOP=1 -d postgres -c 'CREATE DATABASE od' </dev/null
q -f bench/ondelete_setup.sql >/dev/null
VERSION=$(q -c 'SHOW server_version')

declare -A NAT OD
ROWS=()

# delete_case NAME FILL NAT_SQL OD_SQL — ROUNDS rounds of fill, then both
# deletes in alternating order; records the medians.
delete_case() {
	local name=$1 fill=$2 nsql=$3 osql=$4 r side nat=() od=()
	for ((r = 1; r <= ROUNDS; r++)); do
		q -c "CALL od_fill('nat', '$fill')" -c "CALL od_fill('od', '$fill')" \
			-c 'VACUUM ANALYZE' -c CHECKPOINT
		local order=(nat od)
		((r % 2)) || order=(od nat)
		for side in "${order[@]}"; do
			if [ "$side" = nat ]; then
				nat+=("$(q -c "SELECT od_time(\$\$$nsql\$\$)")")
			else
				od+=("$(q -c "SELECT od_time(\$\$$osql\$\$)")")
			fi
		done
		echo "    $name round $r: native ${nat[-1]} ms, cmodel ${od[-1]} ms, ratio $(ratio "${od[-1]}" "${nat[-1]}")" >&2
	done
	NAT[$name]=$(median "${nat[@]}")
	OD[$name]=$(median "${od[@]}")
	ROWS+=("$name")
}

echo "==> deletes: $ROUNDS rounds per case, fresh identical data each round"
delete_case cascade_all cascade 'DELETE FROM nat.parent' 'DELETE FROM od.parent'
floor=()
for ((r = 1; r <= ROUNDS; r++)); do
	q -c "CALL od_fill('od', 'cascade')" -c 'VACUUM ANALYZE' -c CHECKPOINT
	floor+=("$(q -c 'SELECT od_floor_all()')")
done
FLOOR=$(median "${floor[@]}")
echo "    floor (two hand-written statements, no triggers): $FLOOR ms, ratio $(ratio "$FLOOR" "${NAT[cascade_all]}")" >&2
delete_case cascade_10pct cascade 'DELETE FROM nat.parent WHERE dbid % 10 = 0' \
	'DELETE FROM od.parent WHERE dbid % 10 = 0'
delete_case set_null_10pct setnull 'DELETE FROM nat.sparent WHERE dbid % 10 = 0' \
	'DELETE FROM od.sparent WHERE dbid % 10 = 0'
delete_case three_levels_all levels 'DELETE FROM nat.l1' 'DELETE FROM od.l1'

echo "==> single-parent deletes: $SINGLE per side, in $((ROUNDS * 2)) alternating chunks"
q -c "CALL od_fill('nat', 'single')" -c "CALL od_fill('od', 'single')" -c 'VACUUM ANALYZE' -c CHECKPOINT
n=$((SINGLE / (ROUNDS * 2)))
q -c 'SELECT od_single_nat(1, 500)' -c 'SELECT od_single_od(1, 500)' >/dev/null
nat=()
od=()
for ((r = 1; r <= ROUNDS * 2; r++)); do
	first=$((501 + (r - 1) * n))
	if ((r % 2)); then
		nat+=("$(q -c "SELECT od_single_nat($first, $n)")")
		od+=("$(q -c "SELECT od_single_od($first, $n)")")
	else
		od+=("$(q -c "SELECT od_single_od($first, $n)")")
		nat+=("$(q -c "SELECT od_single_nat($first, $n)")")
	fi
done
NAT[single_parent]=$(awk -v t="$(median "${nat[@]}")" -v n="$n" 'BEGIN { printf "%.4f", t / n }')
OD[single_parent]=$(awk -v t="$(median "${od[@]}")" -v n="$n" 'BEGIN { printf "%.4f", t / n }')
ROWS+=(single_parent)

echo "==> INSERT ... SELECT of $INSERT_ROWS rows: a warm-up, then $((ROUNDS * 2)) alternating rounds"
ins="(title, body, data, n) SELECT 'title ' || g, repeat('x', 200), jsonb_build_object('k', g, 'tags', jsonb_build_array('a', 'b')), g FROM generate_series(1, $INSERT_ROWS) g"
# Emptied in the same transaction, the table's new rows skip WAL
# (wal_level=minimal) on both sides: what is left is the executor's work,
# where the write trigger's cost shows undiluted by WAL writes.
insert_round() {
	local side=$1
	q -c 'SET cmodel.max_bulk_rows = 0' -c BEGIN -c "CALL od_fill('$side', 'insert')" \
		-c "SELECT od_time(\$\$INSERT INTO $side.entry $ins\$\$)" -c COMMIT
}
insert_round nat >/dev/null
insert_round od >/dev/null
nat=()
od=()
for ((r = 1; r <= ROUNDS * 2; r++)); do
	if ((r % 2)); then
		nat+=("$(insert_round nat)")
		od+=("$(insert_round od)")
	else
		od+=("$(insert_round od)")
		nat+=("$(insert_round nat)")
	fi
	echo "    insert round $r: native ${nat[-1]} ms, cmodel ${od[-1]} ms, ratio $(ratio "${od[-1]}" "${nat[-1]}")" >&2
done
NAT[insert_select]=$(median "${nat[@]}")
OD[insert_select]=$(median "${od[@]}")
ROWS+=(insert_select)

echo "==> UPDATE ... SET n = n + 1 of $UPDATE_ROWS rows (no text, JSON or auto_now column set): $((ROUNDS * 2)) alternating rounds"
# Each round fills both tables afresh (untimed, no triggers), then times
# one UPDATE per side in a session that has loaded cmodel (as every session
# that has written a namespace table has): the UPDATE sets only an integer,
# so cmodel's write trigger has nothing to do and is left out of it.
q -c "CALL od_fill('nat', 'update $UPDATE_ROWS')" -c "CALL od_fill('od', 'update $UPDATE_ROWS')" >/dev/null
update_round() {
	local side=$1
	q -c "LOAD 'cmodel'" -c "SELECT od_time('UPDATE $side.entry SET n = n + 1')"
}
update_round nat >/dev/null
update_round od >/dev/null
nat=()
od=()
for ((r = 1; r <= ROUNDS * 2; r++)); do
	q -c "CALL od_fill('nat', 'update $UPDATE_ROWS')" -c "CALL od_fill('od', 'update $UPDATE_ROWS')" \
		-c 'VACUUM ANALYZE nat.entry, od.entry' -c CHECKPOINT
	if ((r % 2)); then
		nat+=("$(update_round nat)")
		od+=("$(update_round od)")
	else
		od+=("$(update_round od)")
		nat+=("$(update_round nat)")
	fi
	echo "    update round $r: native ${nat[-1]} ms, cmodel ${od[-1]} ms, ratio $(ratio "${od[-1]}" "${nat[-1]}")" >&2
done
NAT[update_int]=$(median "${nat[@]}")
OD[update_int]=$(median "${od[@]}")
ROWS+=(update_int)

echo "==> single-row INSERTs through pgbench: $TXNS per side, prepared, in $((ROUNDS * 2)) alternating chunks"
for side in nat od; do
	echo "INSERT INTO $side.entry (title, body, data, n) VALUES ('t', 'body', '{\"k\": 1}', 1);" \
		>"$CLUSTER_WORK/insert_$side.sql"
done
pgb() {
	local side=$1 count=$2 out tps
	if ! out=$("$PG_BIN/pgbench" -h "$CLUSTER_SOCK" -p "$CLUSTER_PORT" -U postgres -n -M prepared \
		-t "$count" -f "$CLUSTER_WORK/insert_$side.sql" od 2>&1); then
		echo "$out" >&2
		return 1
	fi
	tps=$(echo "$out" | sed -n 's/^tps = \([0-9.]*\) .*/\1/p')
	[ -n "$tps" ] || { echo "$out" >&2; return 1; }
	echo "$tps"
}
n=$((TXNS / (ROUNDS * 2)))
pgb nat "$((n / 4 + 1))" >/dev/null
pgb od "$((n / 4 + 1))" >/dev/null
nat=()
od=()
for ((r = 1; r <= ROUNDS * 2; r++)); do
	if ((r % 2)); then
		nat+=("$(pgb nat "$n")")
		od+=("$(pgb od "$n")")
	else
		od+=("$(pgb od "$n")")
		nat+=("$(pgb nat "$n")")
	fi
done
NAT[insert_tps]=$(median "${nat[@]}")
OD[insert_tps]=$(median "${od[@]}")
ROWS+=(insert_tps)

declare -A WHAT=(
	[cascade_all]="100k parents x 10 children, delete all, ms"
	[cascade_10pct]="CASCADE, delete 10% of 100k parents, ms"
	[set_null_10pct]="SET_NULL, delete 10% of 100k parents, ms"
	[three_levels_all]="three levels 10k -> 100k -> 1M, delete all, ms"
	[single_parent]="single-parent delete (10 children), server ms"
	[insert_select]="INSERT ... SELECT $INSERT_ROWS rows, ms"
	[update_int]="UPDATE SET n = n + 1, $UPDATE_ROWS rows, ms"
	[insert_tps]="single-row INSERT, transactions per second"
)
declare -A TARGET=([cascade_all]="<= 0.6" [cascade_10pct]="<= 1.0" [set_null_10pct]="<= 1.0"
	[three_levels_all]="<= 0.6" [single_parent]="<= 1.1" [insert_select]="<= 1.05" [update_int]="<= 1.03" [insert_tps]=">= 0.97")

echo
echo "cmodel on_delete and write-time benchmark — PostgreSQL $VERSION (medians; fsync and"
echo "synchronous_commit off, so the ratios show work, not disk flushes)"
echo
printf '%-50s %10s %10s %7s %9s %6s\n' case native cmodel ratio target ""
printf '%-50s %10s %10s %7s %9s %6s\n' -------------------------------------------------- ---------- ---------- ------- --------- ------
summary=()
for name in "${ROWS[@]}"; do
	r=$(ratio "${OD[$name]}" "${NAT[$name]}")
	t=${TARGET[$name]}
	met=$(awk -v r="$r" -v op="${t% *}" -v t="${t#* }" \
		'BEGIN { ok = (op == "<=") ? r <= t : r >= t; print ok ? "met" : "MISSED" }')
	printf '%-50s %10s %10s %7s %9s %6s\n' "${WHAT[$name]}" "${NAT[$name]}" "${OD[$name]}" "$r" "$t" "$met"
	summary+=("$name=$r")
done
echo
echo "For context: the floor of cascade_all on this machine (DELETE of the children with one"
echo "hand-written statement, then of the parents, no triggers) is $FLOOR ms, ratio" \
	"$(ratio "$FLOOR" "${NAT[cascade_all]}") to native."
echo "summary: ${summary[*]} cascade_all_floor=$(ratio "$FLOOR" "${NAT[cascade_all]}")"
