#!/usr/bin/env bash
# bench/django_delete.sh — a Django QuerySet.delete() on a plugin's cmodel
# tables against the Canvas SDK's collector on plain tables
# (`make bench-django`, or `bash bench/django_delete.sh`, as root from the
# repository root).  See bench/README.md for how to read the output.
#
#   1. builds and installs the extension (skip with BENCH_NO_INSTALL=1);
#      reports itself skipped, and exits 0, where /usr/bin/python3 cannot
#      import django and psycopg2 (Debian's python3-django, python3-psycopg2);
#   2. starts a throwaway PostgreSQL 15 (test/cluster.sh) with one database
#      holding the same three models (Parent -> Child -> Grandchild, each
#      ForeignKey on_delete CASCADE) four times, and runs the driver,
#      bench/django_delete.py, through Django against it:
#        sdk        plain Django models, tables by Django's schema_editor in
#                   schema sdk, no REFERENCES: Django's collector (baseline);
#        orm        cmodel_django.CustomModel classes registered into
#                   namespace orm_ns: QuerySet.delete() is one DELETE, cmodel
#                   cascades (the ORM path; target at most 1.0 x sdk);
#        collector  plain unmanaged Django models on namespace col_ns's
#                   cmodel tables: Django's collector on top of cmodel's
#                   triggers (the ORM path before; context);
#        sql        DELETE FROM sql_ns.parent WHERE dbid % 10 = 0 (the
#                   in-database cascade alone);
#   3. fills every side with $BENCH_PARENTS parents x $BENCH_CHILDREN
#      children x $BENCH_GRANDCHILDREN grandchildren per child, deletes the
#      tenth of the parents whose dbid % 10 = 0 once per side untimed, and
#      checks the rows left (exits non-zero if a side is wrong);
#   4. $BENCH_ROUNDS rounds: refill all sides identically, VACUUM ANALYZE,
#      CHECKPOINT, then the same delete on each side (the order alternates
#      between rounds), timed in Python around the delete and its COMMIT,
#      and the rows left checked again;
#   5. prints medians per side, the ratios orm/sdk (with its target),
#      collector/sdk, sdk/sql and orm/sql, and a summary line; always stops
#      the server and removes the temp dir.
#
# The benchmark reports; it never fails because a ratio missed its target.
# Environment: BENCH_ROUNDS (5), BENCH_PARENTS (20000, at least 10),
# BENCH_CHILDREN (10), BENCH_GRANDCHILDREN (1), BENCH_PORT (54347),
# BENCH_NO_INSTALL=1, PG_CONFIG.
set -euo pipefail
shopt -s inherit_errexit

cd "$(dirname "${BASH_SOURCE[0]}")/.."

PG_BIN=/usr/lib/postgresql/15/bin
PG_CONFIG=${PG_CONFIG:-$PG_BIN/pg_config}
PYTHON=/usr/bin/python3
PORT=${BENCH_PORT:-54347}
ROUNDS=${BENCH_ROUNDS:-5}
PARENTS=${BENCH_PARENTS:-20000}
CHILDREN=${BENCH_CHILDREN:-10}
GRANDCHILDREN=${BENCH_GRANDCHILDREN:-1}

for v in ROUNDS PARENTS CHILDREN GRANDCHILDREN PORT; do
	if ! [[ ${!v} =~ ^[1-9][0-9]*$ ]]; then
		echo "bench: BENCH_$v must be a whole number of at least 1, not '${!v}'" >&2
		exit 2
	fi
done
if ((PARENTS < 10)); then
	echo "bench: BENCH_PARENTS must be at least 10 (the delete takes every tenth parent)" >&2
	exit 2
fi
# shellcheck source=bench/prepare.sh
. bench/prepare.sh bench-django

if ! why=$("$PYTHON" -c 'import django, psycopg2' 2>&1); then
	echo "bench-django: skipped: $PYTHON cannot import django and psycopg2" \
		"(Debian's python3-django and python3-psycopg2): ${why##*$'\n'}"
	exit 0
fi

bench_cluster django "$PORT"

q() {
	cluster_psql -q -At -v ON_ERROR_STOP=1 -P pager=off "$@" </dev/null
}
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'
}

q -d postgres -c 'CREATE DATABASE dj'
q -d dj -c 'SET client_min_messages = warning' -c 'CREATE EXTENSION cmodel'
VERSION=$(q -d dj -c 'SHOW server_version')

# The driver prints "statements SIDE COUNT WHAT" and "time SIDE ROUND MS"
# lines on stdout, its progress on stderr; nothing of it is written to the
# source tree (no bytecode).
out=$(PYTHONPATH=python PYTHONDONTWRITEBYTECODE=1 "$PYTHON" bench/django_delete.py \
	"$CLUSTER_SOCK" "$CLUSTER_PORT" dj "$PARENTS" "$CHILDREN" "$GRANDCHILDREN" "$ROUNDS")

SIDES=(sdk orm collector sql)
declare -A MED STMTS WHAT_SENT
for side in "${SIDES[@]}"; do
	mapfile -t times < <(awk -v s="$side" '$1 == "time" && $2 == s { print $4 }' <<<"$out")
	if [ "${#times[@]}" -ne "$ROUNDS" ]; then
		echo "bench: the driver reported ${#times[@]} times for $side, not $ROUNDS" >&2
		exit 1
	fi
	MED[$side]=$(median "${times[@]}" | awk '{ printf "%.2f", $1 }')
	STMTS[$side]=$(awk -v s="$side" '$1 == "statements" && $2 == s { print $3 }' <<<"$out")
	WHAT_SENT[$side]=$(awk -v s="$side" '$1 == "statements" && $2 == s { $1 = $2 = $3 = ""; sub(/^ +/, ""); print }' <<<"$out")
done

declare -A WHAT=(
	[sdk]="plain tables, Django's collector (baseline)"
	[orm]="CustomModel on cmodel tables, QuerySet.delete()"
	[collector]="cmodel tables, Django's collector (old path)"
	[sql]="cmodel tables, one DELETE in SQL"
)
deleted=$((PARENTS / 10))
echo
echo "Django QuerySet.delete() on cmodel tables — PostgreSQL $VERSION, Django" \
	"$("$PYTHON" -c 'import django; print(django.get_version())'); medians of $ROUNDS rounds;"
echo "delete $deleted of $PARENTS parents (dbid % 10 = 0), with $((deleted * CHILDREN)) children and" \
	"$((deleted * CHILDREN * GRANDCHILDREN)) grandchildren; ms include the COMMIT"
echo
printf '%-10s %-50s %10s %11s\n' side what ms statements
printf '%-10s %-50s %10s %11s\n' ---------- -------------------------------------------------- ---------- -----------
for side in "${SIDES[@]}"; do
	printf '%-10s %-50s %10s %11s\n' "$side" "${WHAT[$side]}" "${MED[$side]}" "${STMTS[$side]}"
done
echo
echo "statements one delete sends (from Django, through connection.execute_wrapper):"
for side in "${SIDES[@]}"; do
	printf '  %-10s %s\n' "$side" "${WHAT_SENT[$side]}"
done
echo

orm_sdk=$(ratio "${MED[orm]}" "${MED[sdk]}")
collector_sdk=$(ratio "${MED[collector]}" "${MED[sdk]}")
sdk_sql=$(ratio "${MED[sdk]}" "${MED[sql]}")
orm_sql=$(ratio "${MED[orm]}" "${MED[sql]}")
met=$(awk -v r="$orm_sdk" 'BEGIN { print (r <= 1.0) ? "met" : "MISSED" }')
printf '%-15s %8s   %s\n' orm/sdk "$orm_sdk" "target <= 1.0: $met"
printf '%-15s %8s   %s\n' collector/sdk "$collector_sdk" \
	"context: Django's collector on cmodel tables (the issue measured 1.09)"
printf '%-15s %8s   %s\n' sdk/sql "$sdk_sql" \
	"context: times faster the in-database cascade is than the collector (the issue: about 9)"
printf '%-15s %8s   %s\n' orm/sql "$orm_sql" "context: what Django adds to the one DELETE"
echo "summary: orm/sdk=$orm_sdk ($met) collector/sdk=$collector_sdk sdk/sql=$sdk_sql orm/sql=$orm_sql" \
	"sdk_ms=${MED[sdk]} orm_ms=${MED[orm]} collector_ms=${MED[collector]} sql_ms=${MED[sql]}"
