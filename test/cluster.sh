# shellcheck shell=bash
# test/cluster.sh — a throwaway PostgreSQL 15 server for the scripts that
# need a live one (demo/run.sh, bench/run.sh).  Source it, as root; do not
# run it.
#
#   cluster_init NAME PORT   make /tmp/cmodel-NAME.XXXXXX (owned by postgres,
#                            $CLUSTER_TMPDIR instead of /tmp if set;
#                            mode 700: data dir, socket dir, logs), install
#                            the EXIT trap below, and initdb the cluster there
#   cluster_start [OPT...]   start it as the postgres OS user: unix socket in
#                            $CLUSTER_SOCK only (listen_addresses=''), PORT
#                            only names the socket file; OPT are extra
#                            "-c name=value" server options
#   cluster_psql [ARG...]    psql -X as database user postgres over the socket
#   cluster_cleanup          the EXIT trap: stop the server (pg_ctl fast
#                            shutdown, then by the postmaster's PID if it is
#                            still there) and remove the temporary directory;
#                            keeps the script's exit status
#
# Sets PG_BIN, CLUSTER_NAME, CLUSTER_WORK, CLUSTER_DATA, CLUSTER_SOCK,
# CLUSTER_PORT and CLUSTER_PID (the postmaster, once started).  initdb
# refuses to run as root, so everything server-side runs via runuser; psql
# runs as the caller (it only talks to the socket, trust auth).

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
CLUSTER_NAME=""
CLUSTER_WORK=""
CLUSTER_DATA=""
CLUSTER_SOCK=""
CLUSTER_PORT=""
CLUSTER_PID=""

# Stop the server and remove the temp dir; runs on every exit, including
# errors and Ctrl-C (INT/TERM exit 130, which then runs this).
cluster_cleanup() {
	local rc=$?
	set +e
	if [ -n "$CLUSTER_DATA" ] && [ -f "$CLUSTER_DATA/postmaster.pid" ]; then
		echo "==> stopping the $CLUSTER_NAME server"
		runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$CLUSTER_DATA" -m fast -w stop >/dev/null
	fi
	if [ -n "$CLUSTER_PID" ] && kill -0 "$CLUSTER_PID" 2>/dev/null; then
		kill -TERM "$CLUSTER_PID" 2>/dev/null
		for _ in $(seq 50); do
			kill -0 "$CLUSTER_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$CLUSTER_PID" 2>/dev/null
	fi
	if [ -n "$CLUSTER_WORK" ]; then
		rm -rf "$CLUSTER_WORK"
	fi
	exit "$rc"
}

# cluster_init NAME PORT
cluster_init() {
	CLUSTER_NAME=$1
	CLUSTER_PORT=$2
	CLUSTER_WORK=$(mktemp -d "${CLUSTER_TMPDIR:-/tmp}/cmodel-$CLUSTER_NAME.XXXXXX")
	trap cluster_cleanup EXIT
	trap 'exit 130' INT TERM
	CLUSTER_DATA=$CLUSTER_WORK/data
	CLUSTER_SOCK=$CLUSTER_WORK/sock
	mkdir "$CLUSTER_SOCK"
	chown -R postgres:postgres "$CLUSTER_WORK"
	chmod 700 "$CLUSTER_WORK"

	echo "==> initdb (throwaway cluster in $CLUSTER_DATA)"
	runuser -u postgres -- "$PG_BIN/initdb" -D "$CLUSTER_DATA" -U postgres -A trust \
		-E UTF8 --locale=C.UTF-8 --no-sync >"$CLUSTER_WORK/initdb.log" 2>&1 ||
		{ cat "$CLUSTER_WORK/initdb.log"; return 1; }
}

# cluster_start [-c name=value ...]
# shellcheck disable=SC2120  # the options are optional
cluster_start() {
	local opts="-c listen_addresses='' -k $CLUSTER_SOCK -p $CLUSTER_PORT"
	local o

	for o in "$@"; do
		opts="$opts $o"
	done
	echo "==> starting PostgreSQL (unix socket $CLUSTER_SOCK, port $CLUSTER_PORT, no TCP)"
	if ! runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$CLUSTER_DATA" \
		-l "$CLUSTER_WORK/server.log" -w -o "$opts" start >/dev/null; then
		cat "$CLUSTER_WORK/server.log"
		return 1
	fi
	CLUSTER_PID=$(head -n 1 "$CLUSTER_DATA/postmaster.pid")
}

# cluster_psql [psql arguments...]
cluster_psql() {
	"$PG_BIN/psql" -X -h "$CLUSTER_SOCK" -p "$CLUSTER_PORT" -U postgres "$@"
}
