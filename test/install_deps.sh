#!/usr/bin/env bash
# test/install_deps.sh — install the Debian 12 packages cmodel needs to build,
# test and demo.  Shared by .ci/run and demo/run.sh so both install exactly the
# same list.
#
#   postgresql-15             server, psql, initdb, pg_ctl, TAP Perl modules
#   postgresql-server-dev-15  PGXS, pg_config, server headers, pg_regress
#   libjansson-dev            JSON parser the extension links against
#   build-essential           cc, make
#   libipc-run-perl           IPC::Run, needed by PostgreSQL::Test::Cluster
#   clang-14 libclang-rt-14-dev  libFuzzer for `make fuzz`
#   python3                   bench/model.py, the benchmark's model generator
#   python3-django python3-psycopg2  the Django package (python/) and its tests
#
# When every package is already installed nothing is downloaded (saves the
# apt-get update on a warm machine).  Installing needs root; as another user
# the script only checks and tells you what is missing.
set -euo pipefail

PKGS=(
	postgresql-15
	postgresql-server-dev-15
	libjansson-dev
	build-essential
	libipc-run-perl
	clang-14
	libclang-rt-14-dev
	python3
	python3-django
	python3-psycopg2
)

# A package counts as present only when dpkg says "installed" (a removed
# package whose config files remain also answers `dpkg -s` successfully).
missing=()
for pkg in "${PKGS[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
	if [ "$status" != "installed" ]; then
		missing+=("$pkg")
	fi
done

if [ "${#missing[@]}" -eq 0 ]; then
	echo "install_deps: all ${#PKGS[@]} packages already installed"
	exit 0
fi

echo "install_deps: missing: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
	echo "install_deps: installing packages needs root; run as root or:" >&2
	echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update
# Install the whole list (not just the missing ones) so apt resolves them
# together; already-installed packages are left as they are.
apt-get install -y --no-install-recommends "${PKGS[@]}"
echo "install_deps: done"
