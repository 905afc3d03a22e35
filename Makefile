# libckpt: `make demo` and `make test` do all the set-up on a fresh machine.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

PREFIX  ?= /usr/local
DESTDIR ?=
# The version is written once, in include/ckpt.h; the soname follows its major.
ckpt_version_part = $(shell sed -n 's/^\#define CKPT_VERSION_$(1) *\([0-9][0-9]*\).*/\1/p' include/ckpt.h)
VERSION := $(call ckpt_version_part,MAJOR).$(call ckpt_version_part,MINOR).$(call ckpt_version_part,PATCH)
SONAME  := libckpt.so.$(call ckpt_version_part,MAJOR)
REALNAME := libckpt.so.$(VERSION)

BUILD   := $(CURDIR)/build
LIBDIR  := $(BUILD)/lib
BINDIR  := $(BUILD)/bin
SWIFT_RELEASE := .build/release
CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Werror -Wno-unused-parameter
PYTHON  ?= python3

# System packages the build and the tests need (Debian names).
APT_PACKAGES := libjansson-dev libsqlite3-dev libcurl4-openssl-dev libssl-dev pkg-config \
                valgrind python3-pip gcc g++ make
EXPORTS := $(BUILD)/exports.map

.PHONY: all deps build lib cli demo test test-swift test-c test-valgrind test-python test-cli test-e2e test-hardening test-install test-sanitizers test-fuzz fuzz check-exports install bench clean

all: build

## deps: install what is missing (apt-get update first), nothing when all is there.
deps:
	@missing=""; \
	for p in jansson sqlite3 libcurl libcrypto; do pkg-config --exists $$p 2>/dev/null || missing=1; done; \
	command -v valgrind >/dev/null || missing=1; \
	command -v pkg-config >/dev/null || missing=1; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages: $(APT_PACKAGES)"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(APT_PACKAGES) >/dev/null; \
	fi
	@command -v swift >/dev/null || { echo "swift is not on PATH: install the Swift 6 toolchain"; exit 1; }
	@$(PYTHON) -c 'import pytest' 2>/dev/null || $(PYTHON) -m pip install -q pytest
	@$(PYTHON) -c 'import hypothesis' 2>/dev/null || $(PYTHON) -m pip install -q hypothesis

# The version script exports exactly the functions declared in ckpt.h.
$(EXPORTS): include/ckpt.h
	@mkdir -p $(BUILD)
	@{ echo "{ global:"; grep -oE '^[a-z].*\bckpt_[a-z_]+\(' include/ckpt.h | grep -oE 'ckpt_[a-z_]+\($$' | tr -d '(' | sed 's/$$/;/'; echo "local: *; };"; } > $@

# SwiftPM's incremental release build can keep code that a changed module
# inlined into its dependents (seen as a crash after a layout change), so when
# any of our sources changed, our own modules' release objects are rebuilt
# from scratch (the dependencies' builds are kept).  The cached build
# description goes too, or SwiftPM expects the output file maps it planned.
OWN_SOURCES := Package.swift include/ckpt.h $(shell find Sources -type f -name '*.swift' -o -type f -name '*.[ch]' -o -type f -name '*.modulemap')
$(BUILD)/sources.stamp: $(OWN_SOURCES)
	@mkdir -p $(BUILD)
	rm -rf $(SWIFT_RELEASE)/Ckpt*.build $(SWIFT_RELEASE)/CCkpt*.build $(SWIFT_RELEASE)/C*Shim.build $(SWIFT_RELEASE)/Modules/Ckpt* $(SWIFT_RELEASE)/description.json
	@touch $@

## build: the self-contained libckpt.so.1 (Swift runtime linked in) and the ckpt CLI.
build: lib cli

lib: deps $(EXPORTS) $(BUILD)/sources.stamp
	swift build -c release --product ckpt -Xswiftc -static-stdlib \
	  -Xlinker -soname=$(SONAME) -Xlinker --version-script=$(EXPORTS)
	@mkdir -p $(LIBDIR)
	@# Replace atomically: a running process may have the old file mapped.
	cp $(SWIFT_RELEASE)/libckpt.so $(LIBDIR)/$(REALNAME).tmp && mv -f $(LIBDIR)/$(REALNAME).tmp $(LIBDIR)/$(REALNAME)
	ln -sf $(REALNAME) $(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(LIBDIR)/libckpt.so

cli: deps $(BUILD)/sources.stamp
	swift build -c release --product ckpt-cli -Xswiftc -static-stdlib
	@mkdir -p $(BINDIR)
	cp $(SWIFT_RELEASE)/ckpt-cli $(BINDIR)/ckpt.tmp && mv -f $(BINDIR)/ckpt.tmp $(BINDIR)/ckpt

## demo: build, then run the C, Python and shell quick starts on fresh embedded stores.
demo: build
	@mkdir -p $(BINDIR) $(BUILD)/demo
	$(CC) $(CFLAGS) $(WARN) -std=c99 -Iinclude examples/quickstart.c -o $(BINDIR)/quickstart \
	  -L$(LIBDIR) -lckpt -ljansson -Wl,-rpath,$(LIBDIR)
	rm -f $(BUILD)/demo/store.db*
	$(BINDIR)/quickstart $(BUILD)/demo/store.db
	@echo "--- Python quick start"
	CKPT_LIBRARY=$(LIBDIR)/$(SONAME) PYTHONPATH=bindings/python $(PYTHON) examples/quickstart.py $(BUILD)/demo/store-py.db
	@echo "--- Shell quick start"
	rm -rf $(BUILD)/demo/sh && mkdir -p $(BUILD)/demo/sh
	CKPT=$(BINDIR)/ckpt bash examples/quickstart.sh $(BUILD)/demo/sh/store.db

## test: every test suite against the freshly built library.
test: build test-swift test-c test-valgrind test-install test-python test-cli test-e2e test-hardening \
      test-sanitizers test-fuzz
	@echo "make test: all suites passed"

test-swift: deps
	swift test 2>&1 | tail -n 30

C_TESTS := $(BINDIR)/test_api
$(BINDIR)/test_api: Tests/c/test_api.c Tests/c/harness.h include/ckpt.h lib
	@mkdir -p $(BINDIR)
	$(CC) $(CFLAGS) $(WARN) -std=c99 -pthread -Iinclude -ITests/c Tests/c/test_api.c -o $@ \
	  -L$(LIBDIR) -lckpt -ljansson -lsqlite3 -Wl,-rpath,$(LIBDIR)

test-c: $(C_TESTS) deps
	$(CC) -std=c99 $(WARN) -pedantic -fsyntax-only -Iinclude -x c include/ckpt.h
	$(CXX) -std=c++11 $(WARN) -pedantic -fsyntax-only -Iinclude -x c++ include/ckpt.h
	$(CC) $(CFLAGS) $(WARN) -std=c99 -Iinclude examples/quickstart.c -o $(BINDIR)/quickstart \
	  -L$(LIBDIR) -lckpt -ljansson -Wl,-rpath,$(LIBDIR)
	@tmp=$$(mktemp -d) && $(BINDIR)/quickstart $$tmp/store.db >/dev/null && rm -rf $$tmp && echo "quickstart: ok"
	$(BINDIR)/test_api
	$(MAKE) --no-print-directory check-exports

check-exports: lib
	@so=$(LIBDIR)/$(SONAME); \
	if readelf -d $$so | grep NEEDED | grep -qi swift; then echo "FAIL: $$so needs a Swift runtime"; exit 1; fi; \
	if nm $$so | grep -q '12_RegexParser\|17_StringProcessing'; then \
	  echo "FAIL: $$so links the Regex engine (_StringProcessing: String.contains/split/firstRange of a string?)"; exit 1; fi; \
	readelf -d $$so | grep -q "SONAME.*\[$(SONAME)\]" || { echo "FAIL: soname is not $(SONAME)"; exit 1; }; \
	nm -D --defined-only $$so | awk '$$2 ~ /^[TWDBRV]$$/ {print $$3}' | sort > $(BUILD)/exported.txt; \
	grep -oE 'ckpt_[a-z_]+;' $(EXPORTS) | tr -d ';' | sort > $(BUILD)/declared.txt; \
	if ! diff -u $(BUILD)/declared.txt $(BUILD)/exported.txt; then echo "FAIL: exported symbols differ from ckpt.h"; exit 1; fi; \
	echo "exports: $$(wc -l < $(BUILD)/exported.txt) symbols, all declared in ckpt.h; NEEDED: $$(readelf -d $$so | grep NEEDED | grep -oE '\[[^]]+\]' | tr -d '[]' | tr '\n' ' ')"

# valgrind 3.19 cannot read the DWARF 5 debug info of the Swift build, so it
# runs against a copy without debug info (RUNPATH yields to LD_LIBRARY_PATH).
test-valgrind: $(C_TESTS)
	@mkdir -p $(BUILD)/valgrind
	objcopy --strip-debug $(LIBDIR)/$(REALNAME) $(BUILD)/valgrind/$(SONAME)
	LD_LIBRARY_PATH=$(BUILD)/valgrind valgrind --quiet --error-exitcode=99 --leak-check=full \
	  --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect $(BINDIR)/test_api --no-threads

test-python: lib
	CKPT_LIBRARY=$(LIBDIR)/$(SONAME) $(PYTHON) -m pytest bindings/python/tests -q -p no:cacheprovider
	@CKPT_LIBRARY=$(LIBDIR)/$(SONAME) PYTHONPATH=bindings/python $(PYTHON) examples/quickstart.py >/dev/null && echo "quickstart.py: ok"

test-cli: cli
	CKPT_BIN=$(BINDIR)/ckpt $(PYTHON) -m pytest Tests/cli -q -p no:cacheprovider

## test-e2e: the remote backend and the official SDK against `ckpt serve`.
test-e2e: lib cli
	@$(PYTHON) -c 'import huaweicloudsdkcbr' 2>/dev/null || $(PYTHON) -m pip install -q huaweicloudsdkcbr
	CKPT_LIBRARY=$(LIBDIR)/$(SONAME) CKPT_BIN=$(BINDIR)/ckpt $(PYTHON) -m pytest Tests/e2e -q -p no:cacheprovider

## test-hardening: bad-input catalogue, shared-handle and multi-process concurrency, kill -9 safety.
HARDENING_BINS := $(BINDIR)/hardening_bad_inputs $(BINDIR)/hardening_concurrency $(BINDIR)/hardening_crash

$(BINDIR)/hardening_%: Tests/hardening/%.c Tests/hardening/common.h include/ckpt.h lib
	@mkdir -p $(BINDIR)
	$(CC) $(CFLAGS) $(WARN) -std=c99 -pthread -Iinclude $< -o $@ \
	  -L$(LIBDIR) -lckpt -ljansson -lsqlite3 -Wl,-rpath,$(LIBDIR)

test-hardening: $(HARDENING_BINS)
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; rc=0; \
	$(BINDIR)/hardening_bad_inputs Tests/hardening/bad_inputs.json $$tmp/bad_inputs || rc=1; \
	$(BINDIR)/hardening_concurrency $$tmp/concurrency --durability normal || rc=1; \
	$(BINDIR)/hardening_crash $$tmp/crash --rounds 30 | grep -v '^round ' || rc=1; \
	exit $$rc

## test-install: install into a scratch prefix and build the quick start with pkg-config.
test-install: lib cli
	@tmp=$$(mktemp -d); \
	$(MAKE) --no-print-directory install PREFIX=$$tmp/prefix >/dev/null; \
	test -L $$tmp/prefix/lib/$(SONAME) && test -f $$tmp/prefix/include/ckpt.h && test -x $$tmp/prefix/bin/ckpt; \
	grep -q '^Requires: jansson' $$tmp/prefix/lib/pkgconfig/ckpt.pc; \
	PKG_CONFIG_PATH=$$tmp/prefix/lib/pkgconfig $(CC) -std=c99 examples/quickstart.c -o $$tmp/quickstart \
	  $$(PKG_CONFIG_PATH=$$tmp/prefix/lib/pkgconfig pkg-config --cflags --libs ckpt); \
	LD_LIBRARY_PATH=$$tmp/prefix/lib $$tmp/quickstart $$tmp/store.db | grep -q '^status: available$$'; \
	rm -rf $$tmp; echo "install: pkg-config build of the quick start runs against the installed library"

## install: lib/libckpt.so.1 (+ symlinks), include/ckpt.h, lib/pkgconfig/ckpt.pc, bin/ckpt.
install: lib cli
	install -d $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(BINDIR)/ckpt $(DESTDIR)$(PREFIX)/bin/ckpt
	install -m 0755 $(LIBDIR)/$(REALNAME) $(DESTDIR)$(PREFIX)/lib/$(REALNAME)
	ln -sf $(REALNAME) $(DESTDIR)$(PREFIX)/lib/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(PREFIX)/lib/libckpt.so
	install -m 0644 include/ckpt.h $(DESTDIR)$(PREFIX)/include/ckpt.h
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' ckpt.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/ckpt.pc

## test-sanitizers: the C suite on an ASan+LSan build and on a TSan build of libckpt.
test-sanitizers: deps $(C_TESTS)
	Tests/sanitizers/run.sh asan tsan

## fuzz: libFuzzer targets (fuzz/run.sh): replay the regressions, then FUZZ_SECONDS (60) per target.
FUZZ_SECONDS ?= 60
fuzz: deps
	fuzz/run.sh $(FUZZ_SECONDS)

## test-fuzz: the same, 10 s per target (part of make test).
test-fuzz: deps
	fuzz/run.sh 10

## bench: release build, then every benchmark (5-10 min on 2 cores): prints a table,
## writes benchmarks/results.json and benchmarks/results.md.
bench: build
	$(PYTHON) benchmarks/run.py --skip-build $(BENCH_ARGS)

clean:
	rm -rf $(BUILD) .build .build-fuzz .build-asan .build-tsan .build-valgrind
