# cmodel: PGXS build, plus the server-independent core's unit tests, fuzzer
# and benchmarks.  `make && make install` builds the extension; `make test`
# (see test/run_all.sh) runs every suite.

EXTENSION = cmodel
# The version is written once, in cmodel.control.
EXTVERSION = $(shell sed -n "s/^default_version = '\\(.*\\)'/\\1/p" cmodel.control)
MODULE_big = cmodel
# The current version's install script is built from one source, sql/cmodel.sql;
# the older install script and the upgrade chain are shipped as they are.
DATA_built = sql/cmodel--$(EXTVERSION).sql
DATA = $(filter-out $(DATA_built),$(wildcard sql/cmodel--*.sql))

# src/core: the backend-free core (jansson + libc), compiled into the module
# and into the unit tests and the fuzzer.  src/server: everything that needs
# the server.  The core never sees the server's headers (make check-layout).
CORE_SRCS = $(sort $(wildcard src/core/*.c))
SERVER_SRCS = $(sort $(wildcard src/server/*.c))
CORE_HDRS = $(wildcard src/core/*.h)
SERVER_HDRS = $(wildcard src/server/*.h)
OBJS = $(CORE_SRCS:.c=.o) $(SERVER_SRCS:.c=.o)
PG_CPPFLAGS = -Isrc/core -Isrc/server

SHLIB_LINK = -ljansson
# Warnings stay warnings for users; CI adds -Werror (make COPT=-Werror).
PG_CFLAGS = -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers

REGRESS = $(patsubst sql/%.sql,%,$(filter-out sql/cmodel--% sql/cmodel.sql,$(sort $(wildcard sql/*.sql))))
REGRESS_OPTS = --inputdir=. --temp-instance=./tmp_check
# Fixed interleavings of sessions: specs/<name>.spec, expected/<name>.out.
ISOLATION = $(patsubst specs/%.spec,%,$(sort $(wildcard specs/*.spec)))
ISOLATION_OPTS = --temp-instance=./tmp_check_iso

# LLVM bitcode is not needed and would pull the JIT toolchain into CI.
with_llvm = no

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

$(DATA_built): sql/cmodel.sql cmodel.control
	cp $< $@

# PGXS tracks no header changes: every object depends on its side's headers.
$(CORE_SRCS:.c=.o): $(CORE_HDRS)
$(SERVER_SRCS:.c=.o): $(CORE_HDRS) $(SERVER_HDRS)

HOSTCC ?= cc
HOST_CFLAGS = -std=c11 -D_GNU_SOURCE -g -O1 -Wall -Wextra $(COPT) -Wno-unused-parameter \
	-Wno-missing-field-initializers -Isrc/core

test/unit/cm_unit: test/unit/cm_unit.c test/cm_testlib.h $(CORE_SRCS) $(CORE_HDRS)
	$(HOSTCC) $(HOST_CFLAGS) -Wno-format-truncation -fsanitize=address,undefined -fno-sanitize-recover=all -o $@ test/unit/cm_unit.c $(CORE_SRCS) -ljansson

test/fuzz/cm_fuzz: test/fuzz/cm_fuzz.c test/cm_testlib.h $(CORE_SRCS) $(CORE_HDRS)
	clang-14 $(HOST_CFLAGS) -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -o $@ test/fuzz/cm_fuzz.c $(CORE_SRCS) -ljansson

test/fuzz/cm_fuzz_isotime: test/fuzz/cm_fuzz_isotime.c src/core/isotime.c $(CORE_HDRS)
	clang-14 $(HOST_CFLAGS) -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -o $@ test/fuzz/cm_fuzz_isotime.c src/core/isotime.c

.PHONY: unit python-test fuzz prove bench bench-guard bench-ondelete bench-hub bench-scale bench-citus bench-django demo test check-layout
unit: test/unit/cm_unit
	test/unit/cm_unit

# The core compiles alone, include boundaries hold, no import cycles, one
# version (reads the object files: run after make).
check-layout: all
	HOSTCC=$(HOSTCC) python3 test/check_layout.py

FUZZ_SECONDS ?= 30
# Two targets: descriptors (parse, resolve, plan, idempotence), and the
# hub's ISO dates and timestamps (round trip), FUZZ_SECONDS each.
fuzz: test/fuzz/cm_fuzz test/fuzz/cm_fuzz_isotime
	mkdir -p test/fuzz/work test/fuzz/work_isotime
	test/fuzz/cm_fuzz -max_total_time=$(FUZZ_SECONDS) -max_len=8192 \
		-artifact_prefix=test/fuzz/work/ test/fuzz/work test/fuzz/corpus
	test/fuzz/cm_fuzz_isotime -max_total_time=$(FUZZ_SECONDS) -max_len=64 \
		-artifact_prefix=test/fuzz/work_isotime/ test/fuzz/work_isotime test/fuzz/isotime_corpus

prove:
	rm -rf tmp_check
	PG_TEST_TIMEOUT_DEFAULT=60 PATH="$(bindir):$$PATH" \
	PG_REGRESS="$(pgxsdir)/src/test/regress/pg_regress" \
	PERL5LIB="$(pgxsdir)/src/test/perl:$$PERL5LIB" prove -v test/t/*.pl

# The Python package (python/cmodel_django) and its tests, on Debian's
# python3-django and python3-psycopg2 (the system's Python has them).
PYTHON ?= /usr/bin/python3
python-test:
	$(PYTHON) python/tests/run.py

bench:
	bench/run.sh
	bench/guard.sh
	bench/ondelete.sh
	bench/hub.sh
	bench/scale.sh
	bench/citus.sh
	bench/django_delete.sh

bench-ondelete:
	bench/ondelete.sh

bench-guard:
	bench/guard.sh

bench-hub:
	bench/hub.sh

bench-scale:
	bench/scale.sh

bench-citus:
	bench/citus.sh

bench-django:
	bench/django_delete.sh

demo:
	demo/run.sh

test:
	test/run_all.sh

EXTRA_CLEAN = tmp_check tmp_check_iso output_iso results regression.diffs regression.out log test/unit/cm_unit \
	test/fuzz/cm_fuzz test/fuzz/cm_fuzz_isotime test/fuzz/work test/fuzz/work_isotime
