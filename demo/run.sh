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
#   Steps 3 and 4 are test/cluster.sh, shared with bench/run.sh.
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

# The throwaway cluster (test/cluster.sh): data and socket directories in
# one temp dir owned by postgres; stopped and removed on every exit.
# shellcheck source=test/cluster.sh
. test/cluster.sh
cluster_init demo "$PORT"
cluster_start

echo "==> running demo/demo.sql"
echo
# psql runs as root (it only talks to the socket; trust auth as user postgres)
# so it can read demo/ wherever the clone lives.  --echo-all prints each
# statement before its result.
cluster_psql -v ON_ERROR_STOP=1 --echo-all -P pager=off \
	-d postgres -f demo/demo.sql </dev/null
echo
echo "==> demo finished"
