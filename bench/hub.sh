#!/usr/bin/env bash
# bench/hub.sh — cmodel's attribute hub store against the Canvas SDK's EAV
# tables (`make bench-hub`, or `bash bench/hub.sh`, as root from the
# repository root).  See bench/README.md for how to read the output.
#
#   1. builds and installs the extension (skip with BENCH_NO_INSTALL=1);
#   2. starts a throwaway PostgreSQL 15 (test/cluster.sh) with one database
#      holding the same $BENCH_HUBS hubs x 10 attributes twice
#      (bench/hub_setup.sql): in namespace hb_ns's hub store and in the
#      SDK's attribute_hub / custom_attribute tables;
#   3. checks that both sides answer the same, and that the range find uses
#      the store's GIN index;
#   4. runs each case through pgbench (one client, prepared statements, a
#      random hub per transaction), the scripts of a case in rounds whose
#      order rotates, and takes the median throughput of $BENCH_ROUNDS runs:
#        get    one attribute: cmodel_hub_get(ns, type, id, name) against
#               the EAV row by (hub_id, name), and against the SDK's two
#               queries (the hub by (type, id), then its attribute);
#        set    one attribute: cmodel_hub_set(...) against the EAV upsert
#               by (hub_id, name), and against the SDK's two queries;
#        find   hubs whose score is in a random 1% range, on the store
#               through its GIN index against a sequential scan of it;
#        width  setting one attribute in a hub of 100 attributes against a
#               hub of 1;
#   5. prints throughputs, ratios with their targets and a summary line;
#      always stops the server and removes the temp dir.
#
# The benchmark reports; it never fails because a ratio missed its target.
# Environment: BENCH_HUBS (100000), BENCH_ROUNDS (5), BENCH_TXNS (20000 per
# side and case; indexed finds use a tenth, sequential scans a hundredth),
# BENCH_PORT (54345), BENCH_NO_INSTALL=1, PG_CONFIG.
set -euo pipefail
shopt -s inherit_errexit

cd "$(dirname "${BASH_SOURCE[0]}")/.."

PG_BIN=/usr/lib/postgresql/15/bin
PG_CONFIG=${PG_CONFIG:-$PG_BIN/pg_config}
PORT=${BENCH_PORT:-54345}
HUBS=${BENCH_HUBS:-100000}
ROUNDS=${BENCH_ROUNDS:-5}
TXNS=${BENCH_TXNS:-20000}

for v in HUBS ROUNDS TXNS; do
	if ! [[ ${!v} =~ ^[1-9][0-9]*$ ]]; then
		echo "bench: BENCH_$v must be a whole number of at least 1, not '${!v}'" >&2
		exit 2
	fi
done
if ((HUBS < 1000)); then
	echo "bench: BENCH_HUBS must be at least 1000" >&2
	exit 2
fi
# shellcheck source=bench/prepare.sh
. bench/prepare.sh bench-hub

bench_cluster hub "$PORT"

q() {
	cluster_psql -q -At -v ON_ERROR_STOP=1 -P pager=off -d hb "$@" </dev/null
}
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'
}

echo "==> setting up: $HUBS hubs x 10 attributes in the hub store and in the SDK's EAV tables"
cluster_psql -q -v ON_ERROR_STOP=1 -d postgres -c 'CREATE DATABASE hb' </dev/null
SECONDS=0
q -v hubs="$HUBS" -f bench/hub_setup.sql >/dev/null
echo "    (${SECONDS}s)"
VERSION=$(q -c 'SHOW server_version')

echo "==> checking that both sides answer the same"
check() {
	local what=$1 a=$2 b=$3
	if [ "$a" != "$b" ]; then
		echo "bench: $what differ: '$a' against '$b'" >&2
		exit 1
	fi
}
for h in 1 77 $((HUBS / 2)) "$HUBS"; do
	check "hub $h's a1" "$(q -c "SELECT cmodel_hub_get('hb_ns', 'bench', '$h', 'a1', NULL::text)")" \
		"$(q -c "SELECT text_value FROM sdk.custom_attribute WHERE hub_id = $h AND name = 'a1'")"
	check "hub $h's score" "$(q -c "SELECT cmodel_hub_get('hb_ns', 'bench', '$h', 'score', NULL::bigint)")" \
		"$(q -c "SELECT int_value FROM sdk.custom_attribute WHERE hub_id = $h AND name = 'score'")"
done
find_sql="SELECT count(*) FROM hb_ns.cmodel_hubs WHERE attrs @@ cmodel.hub_between('score', 5000::bigint, 5099::bigint)"
indexed=$(q -c "$find_sql")
seq=$(PGOPTIONS='-c enable_bitmapscan=off -c enable_indexscan=off' q -c "$find_sql")
check "indexed and sequential finds" "$indexed" "$seq"
check "the find and the EAV" "$indexed" \
	"$(q -c "SELECT count(*) FROM sdk.custom_attribute WHERE name = 'score' AND int_value BETWEEN 5000 AND 5099")"
if ! q -c "EXPLAIN $find_sql" | grep -q 'Bitmap Index Scan on cmodel_hubs_attrs_idx'; then
	echo "bench: the find does not use the store's GIN index" >&2
	exit 1
fi
if q -c "EXPLAIN $find_sql" -c 'SET enable_bitmapscan = off' -c 'SET enable_indexscan = off' -c "EXPLAIN $find_sql" |
	tail -n 3 | grep -q 'Index'; then
	echo "bench: the sequential find uses an index" >&2
	exit 1
fi
echo "    $indexed of $HUBS hubs in the 1% range (index and sequential scan agree)"

# The pgbench scripts: :h a random bench hub, :v a random value.
W=$CLUSTER_WORK
hub="\\set h random(1, $HUBS)
\\set v random(1, 1000000)"
cat >"$W/get_cmodel.sql" <<EOF
$hub
SELECT cmodel_hub_get('hb_ns', 'bench', :h, 'a1');
EOF
cat >"$W/get_eav.sql" <<EOF
$hub
SELECT text_value FROM sdk.custom_attribute WHERE hub_id = :h AND name = 'a1';
EOF
cat >"$W/get_sdk.sql" <<EOF
$hub
SELECT dbid AS hid FROM sdk.attribute_hub WHERE type = 'bench' AND id = :h \\gset
SELECT text_value FROM sdk.custom_attribute WHERE hub_id = :hid AND name = 'a1';
EOF
cat >"$W/set_cmodel.sql" <<EOF
$hub
SELECT cmodel_hub_set('hb_ns', 'bench', :h, 'a6', :v::bigint);
EOF
cat >"$W/set_eav.sql" <<EOF
$hub
INSERT INTO sdk.custom_attribute (hub_id, name, int_value) VALUES (:h, 'a6', :v)
  ON CONFLICT (hub_id, name) DO UPDATE SET int_value = EXCLUDED.int_value;
EOF
cat >"$W/set_sdk.sql" <<EOF
$hub
SELECT dbid AS hid FROM sdk.attribute_hub WHERE type = 'bench' AND id = :h \\gset
INSERT INTO sdk.custom_attribute (hub_id, name, int_value) VALUES (:hid, 'a6', :v)
  ON CONFLICT (hub_id, name) DO UPDATE SET int_value = EXCLUDED.int_value;
EOF
range="\\set lo random(0, 9900)
\\set hi :lo + 99"
cat >"$W/find_index.sql" <<EOF
$range
SELECT count(*) FROM hb_ns.cmodel_hubs WHERE attrs @@ cmodel.hub_between('score', :lo::bigint, :hi::bigint);
EOF
cp "$W/find_index.sql" "$W/find_seq.sql"
cp "$W/find_index.sql" "$W/find_plain.sql"
cat >"$W/find_function.sql" <<EOF
$range
SELECT count(*) FROM cmodel_hub_find('hb_ns', cmodel.hub_between('score', :lo::bigint, :hi::bigint));
EOF
for width in wide narrow; do
	cat >"$W/width_$width.sql" <<EOF
\\set h random(1, 1000)
\\set v random(1, 1000000)
SELECT cmodel_hub_set('hb_ns', '$width', :h, 'w0', :v::bigint);
EOF
done

# pgb SCRIPT COUNT — pgbench's throughput (tps) for COUNT transactions.
pgb() {
	local script=$1 count=$2 out tps opts=
	[ "$script" = find_seq ] && opts='-c enable_bitmapscan=off -c enable_indexscan=off'
	if ! out=$(PGOPTIONS=$opts "$PG_BIN/pgbench" -h "$CLUSTER_SOCK" -p "$CLUSTER_PORT" -U postgres \
		-n -M prepared -t "$count" -f "$W/$script.sql" hb 2>&1); then
		echo "$out" >&2
		return 1
	fi
	tps=$(echo "$out" | sed -n 's/^tps = \([0-9.]*\) .*/\1/p')
	[ -n "$tps" ] || { echo "$out" >&2; return 1; }
	echo "$tps"
}

declare -A TPS
# group COUNT SCRIPT[:N]... — a warm-up of each script, then ROUNDS rounds
# that run every script once (N transactions, COUNT unless given), in an
# order that rotates from round to round; the median throughput of each
# goes into TPS.
group() {
	local n=$1 r i k s arg
	shift
	local names=() counts=()
	local -A runs=()
	for arg in "$@"; do
		names+=("${arg%%:*}")
		if [[ $arg == *:* ]]; then counts+=("${arg#*:}"); else counts+=("$n"); fi
	done
	for ((i = 0; i < ${#names[@]}; i++)); do
		pgb "${names[$i]}" "$((counts[i] / 4 + 1))" >/dev/null
	done
	for ((r = 0; r < ROUNDS; r++)); do
		for ((i = 0; i < ${#names[@]}; i++)); do
			k=$(((i + r) % ${#names[@]}))
			s=${names[$k]}
			runs[$s]+=" $(pgb "$s" "${counts[$k]}")"
		done
	done
	for ((i = 0; i < ${#names[@]}; i++)); do
		s=${names[$i]}
		# shellcheck disable=SC2086
		TPS[$s]=$(median ${runs[$s]})
		printf '    %-14s %10.0f tps (median of %d runs of %d transactions)\n' "$s" "${TPS[$s]}" "$ROUNDS" "${counts[$i]}"
	done
}

echo "==> get one attribute"
group "$TXNS" get_cmodel get_eav get_sdk
echo "==> set one attribute"
group "$TXNS" set_cmodel set_eav set_sdk
q -c 'VACUUM ANALYZE'
echo "==> find hubs by a 1% score range"
# a sequential scan takes tens of milliseconds: fewer of them, as long a run
group "$(((TXNS + 99) / 100))" find_index:"$(((TXNS + 9) / 10))" find_seq
group "$(((TXNS + 9) / 10))" find_plain find_function
echo "==> set one attribute in a hub of 100 attributes and in a hub of 1"
group "$TXNS" width_wide width_narrow

r_get_eav=$(ratio "${TPS[get_cmodel]}" "${TPS[get_eav]}")
r_get_sdk=$(ratio "${TPS[get_cmodel]}" "${TPS[get_sdk]}")
r_set_eav=$(ratio "${TPS[set_cmodel]}" "${TPS[set_eav]}")
r_set_sdk=$(ratio "${TPS[set_cmodel]}" "${TPS[set_sdk]}")
r_find=$(ratio "${TPS[find_index]}" "${TPS[find_seq]}")
r_fn=$(ratio "${TPS[find_function]}" "${TPS[find_plain]}")
r_width=$(ratio "${TPS[width_narrow]}" "${TPS[width_wide]}")
verdict() {
	awk -v r="$1" -v t="$2" 'BEGIN { print (r >= t) ? "met" : "MISSED" }'
}

echo
echo "PostgreSQL $VERSION, $HUBS hubs x 10 attributes, pgbench -M prepared, one client, medians of $ROUNDS chunks"
printf '%-62s %10s\n' "case" "tps"
printf '%-62s %10s\n' "get: cmodel_hub_get(ns, type, id, name)" "${TPS[get_cmodel]}"
printf '%-62s %10s\n' "get: EAV row by (hub_id, name)" "${TPS[get_eav]}"
printf '%-62s %10s\n' "get: SDK, hub by (type, id), then the attribute" "${TPS[get_sdk]}"
printf '%-62s %10s\n' "set: cmodel_hub_set(ns, type, id, name, value)" "${TPS[set_cmodel]}"
printf '%-62s %10s\n' "set: EAV upsert by (hub_id, name)" "${TPS[set_eav]}"
printf '%-62s %10s\n' "set: SDK, hub by (type, id), then the upsert" "${TPS[set_sdk]}"
printf '%-62s %10s\n' "find 1% range: store, GIN index" "${TPS[find_index]}"
printf '%-62s %10s\n' "find 1% range: store, sequential scan" "${TPS[find_seq]}"
printf '%-62s %10s\n' "find 1% range: cmodel_hub_find()" "${TPS[find_function]}"
printf '%-62s %10s\n' "set one attribute, hub of 100 attributes" "${TPS[width_wide]}"
printf '%-62s %10s\n' "set one attribute, hub of 1 attribute" "${TPS[width_narrow]}"
echo
echo "get cmodel/EAV = $r_get_eav (target >= 1.0: $(verdict "$r_get_eav" 1.0))"
echo "get cmodel/SDK = $r_get_sdk (target >= 2.0: $(verdict "$r_get_sdk" 2.0))"
echo "set cmodel/EAV = $r_set_eav (target >= 1.0: $(verdict "$r_set_eav" 1.0))"
echo "set cmodel/SDK = $r_set_sdk (target >= 2.0: $(verdict "$r_set_sdk" 2.0))"
echo "find index/seq scan = $r_find (target >= 10: $(verdict "$r_find" 10))"
echo "find function/plain query = $r_fn (context)"
echo "set in 1-attribute hub / in 100-attribute hub = $r_width (what a wide hub costs per set)"
echo "summary: get_eav=$r_get_eav get_sdk=$r_get_sdk set_eav=$r_set_eav set_sdk=$r_set_sdk find=$r_find find_fn=$r_fn width=$r_width"
