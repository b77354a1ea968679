#!/usr/bin/env bash
# bench/run.sh — what a deploy costs with cmodel, against the SDK's own DDL
# measured in the same run (`make bench`, or `bash bench/run.sh`, as root from
# the repository root).  See bench/README.md for how to read the output.
#
#   1. builds and installs the extension (skip with BENCH_NO_INSTALL=1);
#   2. writes the model (bench/model.py: one definition -> cmodel descriptors
#      and the SDK's equivalent DDL);
#   3. starts a throwaway PostgreSQL 15 (test/cluster.sh: postgres OS user,
#      unix socket only, temp dir) with two databases: cmodel_bench (the
#      extension) and sdk_bench (no extension: the SDK's world);
#   4. checks that both sides built the same table (columns, index definitions);
#   5. measures, each case in one psql session, timed on the server
#      (clock_timestamp() around the statements inside a DO block, one
#      transaction per iteration, after warm-up iterations):
#        (c) sdk_ddl    the SDK's idempotent DDL for the model, re-run against
#                       its existing table (re-deploy: all no-ops)
#        (b) reregister cmodel_register_model() of the unchanged descriptor
#                       (re-deploy: the no-op path)
#        (a) register   cmodel_register_model() into a fresh namespace (create)
#        (b') reregister again, after (a) added its namespaces to the catalogs
#      and, as context only, (b) and (c) as a client sees them (pgbench over
#      the socket: one round trip per statement; the SDK's DDL both in one
#      transaction and in autocommit);
#   6. prints a table, the ratios reregister/sdk_ddl (target <= 0.5) and
#      register/sdk_ddl, and a final summary line;
#   7. always stops the server (by PID if need be) and removes the temp dir.
#
# Exit status is non-zero only on errors (including "the model is not the
# same on both sides" and "re-registering was not a no-op"), never because a
# ratio missed its target: the benchmark reports, it does not assert.
#
# Environment: BENCH_ITER_A (50), BENCH_ITER_B (200), BENCH_ITER_C (200)
# measured iterations; BENCH_WARMUP_A (5), BENCH_WARMUP_B (20),
# BENCH_WARMUP_C (20); BENCH_PORT (54339; only names the socket file);
# BENCH_NO_INSTALL=1 to benchmark the installed build as it is; PG_CONFIG.
set -euo pipefail
shopt -s inherit_errexit		# a failing psql inside $(...) fails the run too

cd "$(dirname "${BASH_SOURCE[0]}")/.."

PG_BIN=/usr/lib/postgresql/15/bin
PG_CONFIG=${PG_CONFIG:-$PG_BIN/pg_config}
PORT=${BENCH_PORT:-54339}
ITER_A=${BENCH_ITER_A:-50}
ITER_B=${BENCH_ITER_B:-200}
ITER_C=${BENCH_ITER_C:-200}
WARM_A=${BENCH_WARMUP_A:-5}
WARM_B=${BENCH_WARMUP_B:-20}
WARM_C=${BENCH_WARMUP_C:-20}
NS=bench_ns			# the namespace (b) re-registers and (c) re-deploys
TARGET=0.5			# reregister/sdk_ddl

for v in ITER_A ITER_B ITER_C WARM_A WARM_B WARM_C; do
	if ! [[ ${!v} =~ ^[0-9]+$ ]] || { [[ $v == ITER_* ]] && [ "${!v}" -eq 0 ]; }; then
		echo "bench: BENCH_$v must be a whole number (iterations at least 1), not '${!v}'" >&2
		exit 2
	fi
done

# shellcheck source=bench/prepare.sh
. bench/prepare.sh bench

# shellcheck source=test/cluster.sh
. test/cluster.sh
cluster_init bench "$PORT"

echo "==> writing the model (bench/model.py)"
GEN=$CLUSTER_WORK/model
mkdir "$GEN"
python3 bench/model.py "$GEN" "$NS"
# shellcheck disable=SC1091
. "$GEN/expect.sh"

cluster_start

# q DB [psql args...] — quiet, unaligned, tuples only; stops on the first error.
q() {
	local db=$1
	shift
	cluster_psql -q -At -v ON_ERROR_STOP=1 -P pager=off -d "$db" "$@" </dev/null
}

echo "==> setting up: database cmodel_bench (extension), sdk_bench (baseline)"
q postgres -c 'CREATE DATABASE cmodel_bench' -c 'CREATE DATABASE sdk_bench'
VERSION=$(q postgres -c 'SHOW server_version')
for db in cmodel_bench sdk_bench; do
	q "$db" -f bench/lib.sql
done
setup=$(q cmodel_bench -v ns="$NS" -v owner="$(cat "$GEN/owner.json")" \
	-v model="$(cat "$GEN/model.json")" -f bench/setup_cmodel.sql)
if [ "$(echo "$setup" | tail -n 1)" != "$EXPECT_ACTIONS" ]; then
	echo "bench: registering the model planned $(echo "$setup" | tail -n 1) actions, expected $EXPECT_ACTIONS" >&2
	exit 1
fi
q sdk_bench -v ns="$NS" -v owner_ddl="$(cat "$GEN/sdk_owner.json")" \
	-v ddl="$(cat "$GEN/sdk_ddl.json")" -f bench/setup_sdk.sql

echo "==> checking that cmodel and the SDK DDL built the same table"
q cmodel_bench -v ns="$NS" -f bench/structure.sql >"$GEN/cmodel.structure"
q sdk_bench -v ns="$NS" -f bench/structure.sql >"$GEN/sdk.structure"
sed 's/^/col|/' <"$GEN/columns.txt" | cut -d'|' -f1-3 >"$GEN/cmodel.expected"
sed 's/^/col|/' <"$GEN/columns.txt" | cut -d'|' -f1,2,4 >"$GEN/sdk.expected"
mismatch=0
if ! diff -u "$GEN/cmodel.expected" <(grep '^col|' "$GEN/cmodel.structure"); then
	echo "bench: cmodel's columns differ from the model definition" >&2
	mismatch=1
fi
if ! diff -u "$GEN/sdk.expected" <(grep '^col|' "$GEN/sdk.structure"); then
	echo "bench: the SDK DDL's columns differ from the model definition" >&2
	mismatch=1
fi
if ! diff -u <(grep '^idx|' "$GEN/cmodel.structure") <(grep '^idx|' "$GEN/sdk.structure"); then
	echo "bench: cmodel's indexes (-) differ from the SDK DDL's (+)" >&2
	mismatch=1
fi
nidx=$(grep -c '^idx|' "$GEN/cmodel.structure" || true)
if [ "$nidx" -ne $((EXPECT_INDEXES + 1)) ]; then
	echo "bench: cmodel's table has $nidx indexes, expected $EXPECT_INDEXES and the primary key" >&2
	mismatch=1
fi
if [ "$mismatch" -ne 0 ]; then
	echo "bench: the two sides are not the same model; the comparison would be meaningless" >&2
	exit 1
fi
echo "    $EXPECT_FIELDS fields, $EXPECT_INDEXES indexes + primary key, identical index definitions"

# measure LABEL DB FILE [psql args...] — checkpoint, run one case, print its
# summary line (label|iterations|median|mean|p95|min|commit median)
measure() {
	local label=$1 db=$2 file=$3 line
	shift 3
	q "$db" -c CHECKPOINT
	line=$(q "$db" -f "$file" "$@" | tail -n 1)
	if ! [[ $line =~ ^$label\|[0-9]+(\|[0-9]+\.[0-9]+){5}$ ]]; then
		echo "bench: case $label printed no summary line (got '$line')" >&2
		return 1
	fi
	echo "$line"
}

echo "==> (c) sdk_ddl: $ITER_C iterations (+$WARM_C warm-up), 61 statements each"
res_c=$(measure sdk_ddl sdk_bench bench/sdk_ddl.sql \
	-v ddl="$(cat "$GEN/sdk_ddl.json")" -v warmup="$WARM_C" -v iterations="$ITER_C")
echo "==> (b) reregister: $ITER_B iterations (+$WARM_B warm-up)"
res_b=$(measure reregister cmodel_bench bench/reregister.sql -v ns="$NS" -v label=reregister \
	-v model="$(cat "$GEN/model.json")" -v warmup="$WARM_B" -v iterations="$ITER_B")
echo "==> (a) register: $ITER_A iterations (+$WARM_A warm-up), a fresh namespace each"
res_a=$(measure register cmodel_bench bench/register.sql \
	-v owner="$(cat "$GEN/owner.json")" -v model="$(cat "$GEN/model.json")" \
	-v warmup="$WARM_A" -v iterations="$ITER_A" -v expect_actions="$EXPECT_ACTIONS")
echo "==> (b') reregister again, now that (a) has added $((ITER_A + WARM_A)) namespaces"
res_b2=$(measure reregister_after_a cmodel_bench bench/reregister.sql -v ns="$NS" \
	-v label=reregister_after_a -v model="$(cat "$GEN/model.json")" \
	-v warmup="$WARM_B" -v iterations="$ITER_B")
echo "==> (b'') reregister with the no-op cache missing every time (full check)"
res_b3=$(measure reregister_uncached cmodel_bench bench/reregister.sql -v ns="$NS" \
	-v label=reregister_uncached -v model="$(cat "$GEN/model.json")" -v cold=1 \
	-v warmup="$WARM_B" -v iterations="$ITER_B")
nrel=$(q cmodel_bench -c 'SELECT count(*) FROM pg_class')

# Context, not the target: the same re-deploys as a client sees them, with a
# round trip per statement (pgbench over the unix socket, one connection,
# -t iterations after a warm-up run; its "latency average" per script).
# pgb LABEL DB SCRIPT ITER WARM — a warm-up run, then the measured one;
# prints pgbench's latency average (ms per script execution)
pgb() {
	local label=$1 db=$2 script=$3 iter=$4 warm=$5 out lat
	local args=(-h "$CLUSTER_SOCK" -p "$CLUSTER_PORT" -U postgres -n -M simple -f "$script")
	for n in "$warm" "$iter"; do
		[ "$n" -gt 0 ] || continue
		if ! out=$(PGOPTIONS='-c client_min_messages=warning' \
			"$PG_BIN/pgbench" "${args[@]}" -t "$n" "$db" 2>&1); then
			echo "$out" >&2
			echo "bench: pgbench $label failed" >&2
			return 1
		fi
	done
	lat=$(echo "$out" | sed -n 's/^latency average = \([0-9.]*\) ms$/\1/p')
	if [ -z "$lat" ]; then
		echo "$out" >&2
		echo "bench: no latency average in pgbench $label's output" >&2
		return 1
	fi
	echo "$lat"
}
echo "==> client-observed (pgbench): reregister, sdk_ddl in one transaction, sdk_ddl in autocommit"
cl_b=$(pgb reregister cmodel_bench "$GEN/reregister.sql" "$ITER_B" "$WARM_B")
cl_c_tx=$(pgb sdk_ddl_tx sdk_bench "$GEN/sdk_ddl_tx.sql" "$ITER_C" "$WARM_C")
cl_c_auto=$(pgb sdk_ddl_autocommit sdk_bench "$GEN/sdk_ddl.sql" "$ITER_C" "$WARM_C")

# field N LINE — the Nth |-separated field of a summary line
field() {
	echo "$2" | cut -d'|' -f"$1"
}
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'
}

echo
echo "cmodel benchmark — PostgreSQL $VERSION, model: $EXPECT_FIELDS fields, $EXPECT_INDEXES indexes"
echo "(server-side milliseconds per operation; commit = the COMMIT after it, not in the other columns)"
echo
printf '%-44s %6s %10s %10s %10s %10s %10s\n' case iters median mean p95 min commit
printf '%-44s %6s %10s %10s %10s %10s %10s\n' \
	-------------------------------------------- ------ ---------- ---------- ---------- ---------- ----------
row() {
	printf '%-44s %6s %10s %10s %10s %10s %10s\n' "$1" "$(field 2 "$2")" "$(field 3 "$2")" \
		"$(field 4 "$2")" "$(field 5 "$2")" "$(field 6 "$2")" "$(field 7 "$2")"
}
row "(a) register: create, 50 fields/10 indexes" "$res_a"
row "(b) reregister: unchanged, no-op" "$res_b"
row "(c) sdk_ddl: SDK DDL re-deploy, 61 no-ops" "$res_c"
row "(b') reregister after (a) ($nrel relations)" "$res_b2"
row "(b'') reregister, cache missed: full check" "$res_b3"
echo

a=$(field 3 "$res_a")
b=$(field 3 "$res_b")
c=$(field 3 "$res_c")
b2=$(field 3 "$res_b2")
b3=$(field 3 "$res_b3")
rb=$(ratio "$b" "$c")
ra=$(ratio "$a" "$c")
rb2=$(ratio "$b2" "$c")
met=$(awk -v r="$rb" -v t="$TARGET" 'BEGIN { print (r <= t) ? "met" : "MISSED" }')
echo "ratios of medians:"
echo "  reregister/sdk_ddl = $rb   (target <= $TARGET: $met)"
echo "  register/sdk_ddl = $ra"
echo "  reregister_after_a/sdk_ddl = $rb2"
echo "  reregister_uncached/sdk_ddl = $(ratio "$b3" "$c")   (the full check, when the cache cannot answer)"
echo
echo "context — client-observed per deploy (pgbench over the unix socket; round trips included):"
printf '  %-48s %10s ms\n' "reregister (1 statement)" "$cl_b" \
	"sdk_ddl, 61 statements in one transaction" "$cl_c_tx" \
	"sdk_ddl, 61 statements in autocommit" "$cl_c_auto"
echo "  client: reregister/sdk_ddl_tx = $(ratio "$cl_b" "$cl_c_tx"), reregister/sdk_ddl_autocommit = $(ratio "$cl_b" "$cl_c_auto")"
echo
echo "summary: reregister/sdk_ddl = $rb (target <= $TARGET, $met), register/sdk_ddl = $ra;" \
	"median ms: register $a, reregister $b, sdk_ddl $c"
