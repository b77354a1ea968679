# shellcheck shell=bash
# bench/prepare.sh — what every benchmark does first.  Source it from the
# repository root with PG_CONFIG set: it insists on root (the scripts
# install the extension, then start a throwaway server as the postgres
# user), installs missing packages, and builds and installs the extension
# unless BENCH_NO_INSTALL=1.  $1 names the make target for the message.
# It also defines median (of its arguments) and bench_cluster (a throwaway
# server tuned for measuring work, not disk flushes) for the scripts.
if [ "$(id -u)" -ne 0 ]; then
	echo "bench: run as root (it installs the extension, then starts a" >&2
	echo "throwaway server as the postgres user): sudo make $1" >&2
	exit 1
fi

bash test/install_deps.sh </dev/null >/dev/null

if [ "${BENCH_NO_INSTALL:-}" != 1 ]; then
	echo "==> build and install cmodel"
	make --no-print-directory "PG_CONFIG=$PG_CONFIG" with_llvm=no >/dev/null
	make --no-print-directory "PG_CONFIG=$PG_CONFIG" with_llvm=no install >/dev/null
fi

# median X... — the median of the numbers given.
median() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# bench_cluster NAME PORT [OPT...] — start a throwaway server (test/cluster.sh)
# in memory (/dev/shm) when it can, with fsync, synchronous_commit and
# autovacuum off and room for the benchmarks' tables; OPT are more
# "-c name=value" options.
bench_cluster() {
	local name=$1 port=$2
	shift 2
	if [ -z "${CLUSTER_TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
		export CLUSTER_TMPDIR=/dev/shm
	fi
	# shellcheck source=test/cluster.sh
	. test/cluster.sh
	cluster_init "$name" "$port"
	cluster_start -c fsync=off -c synchronous_commit=off -c autovacuum=off \
		-c shared_buffers=512MB -c max_wal_size=4GB -c checkpoint_timeout=1h "$@"
}
