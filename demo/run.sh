#!/usr/bin/env bash
# demo/run.sh — the walkthrough a newcomer runs (`make demo` or
# `bash demo/run.sh`, as root on Debian 12).
#
#   1. installs the packages if any is missing (test/install_deps.sh, the same
#      list CI uses);
#   2. builds and installs the extension;
#   3. starts a throwaway PostgreSQL 15 as the postgres OS user — data in a
#      mktemp directory, unix socket only (no TCP), in a private socket dir —
#      and runs demo/demo.sql against it with psql, echoing every statement;
#   4. always stops that server (pg_ctl stop, then by PID if needed) and
#      removes the temporary directory, whether the demo succeeded or not.
#
# Environment: DEMO_PORT (default 54329; only names the socket file, so it
# cannot clash with another server), PG_CONFIG (default PG 15's).
set -euo pipefail

# Run from the repository root: demo.sql reads demo/seed_models.json by a
# path relative to it.
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PG_BIN=/usr/lib/postgresql/15/bin
PG_CONFIG=${PG_CONFIG:-$PG_BIN/pg_config}
PORT=${DEMO_PORT:-54329}

if [ "$(id -u)" -ne 0 ]; then
	echo "demo: run as root (it installs packages and the extension, then" >&2
	echo "starts a throwaway server as the postgres user): sudo bash demo/run.sh" >&2
	exit 1
fi

echo "==> packages"
bash test/install_deps.sh

echo "==> build and install cmodel"
make --no-print-directory "PG_CONFIG=$PG_CONFIG" with_llvm=no
make --no-print-directory "PG_CONFIG=$PG_CONFIG" with_llvm=no install

# The throwaway cluster: data directory and socket directory in one temp dir,
# owned by postgres (initdb refuses to run as root).
WORK=$(mktemp -d /tmp/cmodel-demo.XXXXXX)
PGDATA=$WORK/data
SOCKDIR=$WORK/sock
mkdir "$SOCKDIR"
chown -R postgres:postgres "$WORK"
chmod 700 "$WORK"
PGPID=""

# Stop the server (fast shutdown; by PID if pg_ctl cannot) and remove the
# temp dir.  Runs on every exit, including errors and Ctrl-C.
cleanup() {
	local rc=$?
	set +e
	if [ -f "$PGDATA/postmaster.pid" ]; then
		echo "==> stopping the demo server"
		runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null
	fi
	if [ -n "$PGPID" ] && kill -0 "$PGPID" 2>/dev/null; then
		kill -TERM "$PGPID" 2>/dev/null
		for _ in $(seq 50); do
			kill -0 "$PGPID" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$PGPID" 2>/dev/null
	fi
	rm -rf "$WORK"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "==> initdb (throwaway cluster in $PGDATA)"
runuser -u postgres -- "$PG_BIN/initdb" -D "$PGDATA" -U postgres -A trust \
	-E UTF8 --locale=C.UTF-8 --no-sync >"$WORK/initdb.log" 2>&1 ||
	{ cat "$WORK/initdb.log"; exit 1; }

echo "==> starting PostgreSQL (unix socket $SOCKDIR, port $PORT, no TCP)"
if ! runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$WORK/server.log" -w \
	-o "-c listen_addresses='' -k $SOCKDIR -p $PORT" start >/dev/null; then
	cat "$WORK/server.log"
	exit 1
fi
PGPID=$(head -n 1 "$PGDATA/postmaster.pid")

echo "==> running demo/demo.sql"
echo
# psql runs as root (it only talks to the socket; trust auth as user postgres)
# so it can read demo/ wherever the clone lives.  --echo-all prints each
# statement before its result.
"$PG_BIN/psql" -X -v ON_ERROR_STOP=1 --echo-all -P pager=off \
	-h "$SOCKDIR" -p "$PORT" -U postgres -d postgres -f demo/demo.sql </dev/null
echo
echo "==> demo finished"
