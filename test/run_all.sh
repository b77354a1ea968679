#!/usr/bin/env bash
# test/run_all.sh — the single test command (`make test` runs it).
#
# Installs missing packages (test/install_deps.sh), then runs every suite in
# order and keeps going when one fails:
#   build    make && make install             (a failure here stops the run)
#   layout   make check-layout — the source tree's shape, counted per check
#   unit     make unit        — counted per test, from cm_unit's own
#                               "N passed, N failed" line
#   python   make python-test — the Python package's tests (python/tests),
#                               counted per test from their own line
#   regress  make installcheck — pg_regress on a throwaway instance
#                               (--temp-instance), counted per test
#   isolation make installcheck REGRESS= — pg_isolation_regress, specs/*.spec
#   tap      make prove       — counted per test/t/*.pl file
#   fuzz     make fuzz        — libFuzzer for $FUZZ_SECONDS s, counted as 1
# and ends with exactly one plain line "<passed> passed, <failed> failed".
# Exit status is 1 when anything failed or nothing passed.
#
# Must run as root: `make install` writes into PostgreSQL's directories, and
# initdb (used by pg_regress and the TAP nodes) refuses root, so those steps
# run as the postgres OS user via runuser.  The tree is chowned to postgres for
# them and handed back to its original owner on exit.  If postgres cannot reach
# the tree at all (e.g. a clone under /root), those steps run in a temporary
# copy instead.
#
# Environment: FUZZ_SECONDS (default 20), PG_CONFIG (default PG 15's).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)

# A newcomer's machine may have nothing yet: install what is missing first
# (a no-op when every package is present).
if [ "$(id -u)" -eq 0 ]; then
	bash test/install_deps.sh </dev/null
fi

PG_BIN=/usr/lib/postgresql/15/bin
PG_CONFIG=${PG_CONFIG:-$PG_BIN/pg_config}
PGXS_DIR=$(dirname "$(dirname "$("$PG_CONFIG" --pgxs)")")	# .../lib/pgxs
PG_REGRESS_BIN=$PGXS_DIR/src/test/regress/pg_regress
FUZZ_SECONDS=${FUZZ_SECONDS:-20}
MAKE_ARGS=(--no-print-directory "PG_CONFIG=$PG_CONFIG" with_llvm=no)
SUMMARY_RE='^[0-9]+ passed, [0-9]+ failed$'

passed=0
failed=0
report=()			# one line per suite, printed before the total

# Print the per-suite table and the final total line, then exit.
finish() {
	echo
	echo "==================== summary ===================="
	local line
	for line in "${report[@]}"; do
		echo "  $line"
	done
	echo "$passed passed, $failed failed"
	if [ "$failed" -gt 0 ] || [ "$passed" -eq 0 ]; then
		exit 1
	fi
	exit 0
}

if [ "$(id -u)" -ne 0 ]; then
	echo "run_all.sh: must run as root (make install needs it, and the" >&2
	echo "regression/TAP steps are run as the postgres user via runuser)." >&2
	echo "Try: sudo make test" >&2
	report+=("setup: not root")
	failed=1
	finish
fi

LOGDIR=$(mktemp -d /tmp/cmodel-test-logs.XXXXXX)
ORIG_OWNER=$(stat -c '%u:%g' "$ROOT")
PGWORK=""			# set to a temp copy if postgres cannot use $ROOT
PGDIR=$ROOT

# On exit hand the tree back to whoever owned it (the postgres steps chown it)
# and drop temporary directories.
cleanup() {
	chown -R "$ORIG_OWNER" "$ROOT" 2>/dev/null || true
	rm -rf "$LOGDIR"
	if [ -n "$PGWORK" ]; then rm -rf "$PGWORK"; fi
}
trap cleanup EXIT

# run LOG CMD... — run CMD with output shown and saved to LOG; returns CMD's
# status.  A suite's own "N passed, N failed" line is shown with a prefix so
# that the script's total stays the only such plain line.
run() {
	local log=$1 rc
	shift
	if "$@" 2>&1 | tee "$log" | sed -E "s/$SUMMARY_RE/[suite] &/"; then
		rc=0
	else
		rc=${PIPESTATUS[0]}
	fi
	return "$rc"
}

# banner NAME — visible header for a suite.
banner() {
	echo
	echo "==================== $1 ===================="
}

# prepare_pg_dir — set PGDIR, the directory the postgres-user steps run in:
# the tree itself when postgres can reach it (re-chowned every time, since
# root-owned leftovers break runs), otherwise a fresh copy of it.
prepare_pg_dir() {
	if [ -z "$PGWORK" ] && runuser -u postgres -- test -x "$ROOT"; then
		chown -R postgres:postgres "$ROOT"
		PGDIR=$ROOT
		return
	fi
	if [ -z "$PGWORK" ]; then
		PGWORK=$(mktemp -d /tmp/cmodel-pgwork.XXXXXX)
		chmod 755 "$PGWORK"
		echo "postgres cannot reach $ROOT; running in a copy: $PGWORK"
	fi
	tar -C "$ROOT" --exclude=.git -cf - . | tar -C "$PGWORK" -xf -
	chown -R postgres:postgres "$PGWORK"
	PGDIR=$PGWORK
}

# --------------------------------------------------------------------------
# build: compile and install the extension (as root).  Nothing else can run
# without it, so a failure ends the run.
# --------------------------------------------------------------------------
banner build
SECONDS=0
if run "$LOGDIR/build.log" make "${MAKE_ARGS[@]}" &&
	run "$LOGDIR/install.log" make "${MAKE_ARGS[@]}" install; then
	report+=("build: ok (${SECONDS}s)")
else
	failed=$((failed + 1))
	report+=("build: FAILED — later suites not run")
	finish
fi

# self_counting NAME TARGET — run `make TARGET`, a suite that prints its own
# "N passed, N failed"; a non-zero exit without failures (e.g. a sanitizer
# report at exit) still counts as one failure.
self_counting() {
	local name=$1 target=$2 rc=0 line p=0 f=0
	banner "$name"
	SECONDS=0
	run "$LOGDIR/$name.log" make "${MAKE_ARGS[@]}" "$target" || rc=$?
	line=$(grep -E "$SUMMARY_RE" "$LOGDIR/$name.log" | tail -n 1 || true)
	if [ -n "$line" ]; then
		p=${line%% passed*}
		f=${line#*passed, }
		f=${f%% failed*}
	fi
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	report+=("$name: $p passed, $f failed (exit $rc, ${SECONDS}s)")
}

# --------------------------------------------------------------------------
# layout: the tree's shape (test/check_layout.py: the core compiles alone,
# include boundaries, no import cycles, one version).
# unit: the server-independent core under ASan/UBSan (test/unit/cm_unit.c).
# --------------------------------------------------------------------------
self_counting layout check-layout
self_counting unit unit
self_counting python python-test

# pg_regress_counts LOG — print "passed failed" from pg_regress's (or
# pg_isolation_regress's) closing box: " All N tests passed. ",
# " K of N tests failed. " or " K of N tests passed, M failed test(s) ignored. "
pg_regress_counts() {
	local m p=0 f=0
	if m=$(grep -oE 'All [0-9]+ tests? passed' "$1" | tail -n 1); then
		p=$(echo "$m" | grep -oE '[0-9]+')
	elif m=$(grep -oE '[0-9]+ of [0-9]+ tests? failed' "$1" | tail -n 1); then
		f=$(echo "$m" | awk '{print $1}')
		p=$(($(echo "$m" | awk '{print $3}') - f))
	elif m=$(grep -oE '[0-9]+ of [0-9]+ tests? passed' "$1" | tail -n 1); then
		p=$(echo "$m" | awk '{print $1}')
	fi
	echo "$p $f"
}

# pg_suite NAME COUNT MAKEVARS DIFFS — run `make installcheck` with only one
# kind of test (MAKEVARS empties the other), as postgres, and count it.
pg_suite() {
	local name=$1 count=$2 vars=$3 diffs=$4 dir rc=0 p f
	banner "$name"
	SECONDS=0
	if [ "$count" -eq 0 ]; then
		echo "skipped: no $name inputs"
		report+=("$name: skipped (no inputs)")
		return
	fi
	prepare_pg_dir
	dir=$PGDIR
	run "$LOGDIR/$name.log" runuser -u postgres -- \
		make -C "$dir" "${MAKE_ARGS[@]}" "$vars" installcheck || rc=$?
	read -r p f < <(pg_regress_counts "$LOGDIR/$name.log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1		# pg_regress could not run or make failed
	fi
	if [ "$f" -gt 0 ] && [ -f "$dir/$diffs" ]; then
		echo "---- $diffs (first 200 lines) ----"
		head -n 200 "$dir/$diffs"
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	report+=("$name: $p passed, $f failed (exit $rc, ${SECONDS}s)")
}

# --------------------------------------------------------------------------
# regress: pg_regress against a temporary instance, as postgres.
# isolation: pg_isolation_regress on specs/*.spec, the same way.
# --------------------------------------------------------------------------
pg_suite regress "$(find sql -maxdepth 1 -name '*.sql' ! -name 'cmodel--*' ! -name cmodel.sql 2>/dev/null | wc -l)" \
	ISOLATION= regression.diffs
pg_suite isolation "$(find specs -maxdepth 1 -name '*.spec' 2>/dev/null | wc -l)" \
	REGRESS= output_iso/regression.diffs

# --------------------------------------------------------------------------
# tap: test/t/*.pl through prove, as postgres.  Counted per file: a file passes
# unless prove lists it in its "Test Summary Report"; files prove never ran
# (e.g. after a BAIL_OUT) count as failed.
# --------------------------------------------------------------------------
banner tap
SECONDS=0
tap_files=$(find test/t -maxdepth 1 -name '*.pl' 2>/dev/null | wc -l)
if [ "$tap_files" -gt 0 ]; then
	prepare_pg_dir
	dir=$PGDIR
	rm -rf "$dir/tmp_check"		# stale node directories make Cluster->new fail
	rc=0
	# PG_REGRESS: PostgreSQL::Test::Cluster->init runs "$PG_REGRESS --config-auth".
	run "$LOGDIR/tap.log" runuser -u postgres -- \
		env PG_REGRESS="$PG_REGRESS_BIN" \
		make -C "$dir" "${MAKE_ARGS[@]}" prove || rc=$?
	ran=$(grep -oE '^Files=[0-9]+' "$LOGDIR/tap.log" | tail -n 1 | cut -d= -f2 || true)
	ran=${ran:-0}
	bad=$(grep -cE '^test/t/[^ ]+\.pl \(Wstat' "$LOGDIR/tap.log" || true)
	# a file that needs a tool this machine lacks (Citus) skips itself: not a pass
	skipped=$(grep -cE '^test/t/[^ ]+\.pl \.+ skipped' "$LOGDIR/tap.log" || true)
	p=$((ran - bad - skipped))
	if [ "$p" -lt 0 ]; then p=0; fi
	f=$((tap_files - p - skipped))
	if [ "$ran" -eq 0 ]; then
		echo "prove ran no test files although test/t has $tap_files .pl file(s)"
		echo "(prove only picks up *.pl when they are named: prove test/t/*.pl)"
	fi
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	if [ "$f" -gt 0 ] && [ -d "$dir/tmp_check/log" ]; then
		echo "---- TAP logs (last 40 lines of each) ----"
		for lf in "$dir"/tmp_check/log/*; do
			[ -f "$lf" ] || continue
			echo "== $lf"
			tail -n 40 "$lf"
		done
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	report+=("tap: $p passed, $f failed, $skipped skipped of $tap_files file(s) (exit $rc, ${SECONDS}s)")
else
	echo "skipped: no test/t/*.pl"
	report+=("tap: skipped (no test/t/*.pl)")
fi

# --------------------------------------------------------------------------
# fuzz: libFuzzer on the descriptor parser/validator/planner and on the
# hub's ISO date and timestamp parser (as root; no
# server involved).
# --------------------------------------------------------------------------
banner "fuzz (${FUZZ_SECONDS}s)"
SECONDS=0
if [ -f test/fuzz/cm_fuzz.c ]; then
	# Stream everything but libFuzzer's per-input "#123 NEW ..." chatter
	# (kept in the log).
	if make "${MAKE_ARGS[@]}" fuzz "FUZZ_SECONDS=$FUZZ_SECONDS" 2>&1 | tee "$LOGDIR/fuzz.log" |
		sed -E -e '/^#[0-9]+[[:space:]]+(NEW|REDUCE|RELOAD)/d' -e "s/$SUMMARY_RE/[suite] &/"; then
		rc=0
	else
		rc=${PIPESTATUS[0]}
	fi
	if [ "$rc" -eq 0 ]; then
		passed=$((passed + 1))
		report+=("fuzz: ok (${SECONDS}s)")
	else
		failed=$((failed + 1))
		report+=("fuzz: FAILED (exit $rc, ${SECONDS}s)")
	fi
else
	echo "skipped: test/fuzz/cm_fuzz.c does not exist"
	report+=("fuzz: skipped (no test/fuzz/cm_fuzz.c)")
fi

finish
