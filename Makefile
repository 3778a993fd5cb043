# ingress-warden: build, test, fuzz.  `make` builds ./ingress-warden; `make test` runs everything.
# Sources are found by wildcard so that a new module needs no edit here.

CC      ?= cc
CLANG   ?= clang
PKGS     = libmicrohttpd gnutls jansson yaml-0.1 libcurl libpcre2-8
# Debian packages.  BUILD_PKGS: what `make` needs (compiler, pkg-config, the -dev
# libraries).  TEST_PKGS: what `make test` runs on top of that; every program
# the tests run is mapped to one of these in tests/check-installed.sh, which
# `make test` runs first.  kubectl is in neither: Debian 12 has none recent
# enough; tests/suites/manifests.sh uses the machine's or prints `skipped:`.
BUILD_PKGS = gcc libc6-dev make pkg-config libmicrohttpd-dev libgnutls28-dev libjansson-dev \
             libyaml-dev libcurl4-gnutls-dev libpcre2-dev
TEST_PKGS  = libcmocka-dev clang libclang-rt-14-dev valgrind python3 python3-yaml gnutls-bin \
             curl iproute2 nginx
WARN     = -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wformat=2 -Wwrite-strings -Wvla -Wpointer-arith -fno-common
DEFS     = -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -DIW_VERSION='"$(VERSION)"'
VERSION  = 0.1.0
OPT     ?= -O2 -g
B       ?= build/default

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS)) -lpthread -lm

ifdef SANITIZE
SANFLAGS = -fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer
endif

CFLAGS_ALL = $(WARN) $(OPT) $(SANFLAGS) $(DEFS) -I. $(PKG_CFLAGS) $(CFLAGS)

MODULES  = base model profile validate router checks load admission lint certs webhook
LIB_SRC  = $(sort $(foreach m,$(MODULES),$(wildcard $(m)/*.c)) \
                  $(filter-out src/main.c,$(wildcard src/*.c)))
LIB_OBJ  = $(LIB_SRC:%.c=$(B)/%.o)
# Unit tests mirror the modules: tests/unit/<module>/test_*.c -> $(B)/tests/<module>/test_*
UNIT_SRC = $(sort $(wildcard tests/unit/*/test_*.c))
$(if $(wildcard tests/unit/test_*.c),$(error $(wildcard tests/unit/test_*.c): unit tests go in tests/unit/<module>/))
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
TOOL_SRC = $(sort $(wildcard tests/tools/*.c))
TOOL_BIN = $(TOOL_SRC:tests/tools/%.c=$(B)/tools/%)

.PHONY: all deps deps-build test test-default test-san unit fuzz fuzz-run clean check-layers valgrind serve bench-lint

all: ingress-warden

# `make deps` installs what `make test` needs, `make deps-build` only what `make`
# needs (no clang, valgrind, nginx).  Only what is missing; as root or with sudo.
define install-missing
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f '$${Status}\n' $$p 2>/dev/null | grep -q ' installed$$' || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef
deps-build:
	$(call install-missing,$(BUILD_PKGS))
deps:
	$(call install-missing,$(BUILD_PKGS) $(TEST_PKGS))

$(B)/%.o: %.c | deps-build
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c -o $@ $<

$(B)/libiw.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(B)/ingress-warden: $(B)/src/main.o $(B)/libiw.a
	$(CC) $(OPT) $(SANFLAGS) -o $@ $< $(B)/libiw.a $(PKG_LIBS) $(LDFLAGS)

ingress-warden: build/default/ingress-warden
	cp $< $@

# The allocation-failure sweeps (tests/unit/<module>/test_torture.c, tests/unit/torture.h)
# take every allocation of the library through the test's hooks.
TORTURE_WRAP = -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free,--wrap=strdup,--wrap=strndup

$(B)/tests/%: tests/unit/%.c $(B)/libiw.a | deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -MMD -MP -o $@ $< $(B)/libiw.a $(PKG_LIBS) -lcmocka $(LDFLAGS) \
	  $(if $(findstring /test_torture,$@),$(TORTURE_WRAP))

$(B)/tools/%: tests/tools/%.c $(B)/libiw.a | deps-build
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -MMD -MP -o $@ $< $(B)/libiw.a $(PKG_LIBS) $(LDFLAGS)

unit: $(UNIT_BIN) $(TOOL_BIN) $(B)/ingress-warden

# The whole suite: default build, then AddressSanitizer + UndefinedBehaviorSanitizer.
test: deps
	@mkdir -p build; tests/check-installed.sh --installed $(BUILD_PKGS) $(TEST_PKGS) >build/check-installed.log \
	  || { grep -v '^ok \|^note:' build/check-installed.log; exit 1; }; tail -n 1 build/check-installed.log
	$(MAKE) --no-print-directory test-default
	$(MAKE) --no-print-directory test-san

test-default: ingress-warden
	$(MAKE) --no-print-directory unit B=build/default
	$(MAKE) --no-print-directory check-layers
	tests/run-all.sh build/default

test-san:
	$(MAKE) --no-print-directory unit B=build/san SANITIZE=address,undefined OPT="-O1 -g"
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  tests/run-all.sh build/san

valgrind: unit
	tests/run-valgrind.sh build/default

# The module table (scripts/check-layers.py): which module may use which,
# through includes and through the symbols each object takes; no circle
# between files or folders; no I/O in the pure modules.
check-layers: $(LIB_OBJ)
	@python3 scripts/check-layers.py --objs $(B)

# libFuzzer targets (clang): make fuzz builds them, make fuzz-run runs each for FUZZ_SECONDS.
FUZZ_SRC = $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SECONDS ?= 60
# Library objects are built once (fuzzer-no-link instrumentation), then each
# target links against them.
FUZZ_CFLAGS = -std=c11 -g -O1 -fno-omit-frame-pointer -fno-sanitize-recover=all $(DEFS) -I. $(PKG_CFLAGS)
FUZZ_SAN    = address,undefined
FUZZ_OBJ = $(LIB_SRC:%.c=build/fuzz/obj/%.o)
FUZZ_BIN = $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)
fuzz: $(FUZZ_BIN)
build/fuzz/obj/%.o: %.c | deps
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,$(FUZZ_SAN) -MMD -MP -c -o $@ $<
build/fuzz/libiw.a: $(FUZZ_OBJ)
	@rm -f $@
	ar rcs $@ $^
build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c build/fuzz/libiw.a
	$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer,$(FUZZ_SAN) -MMD -MP -o $@ $< build/fuzz/libiw.a $(PKG_LIBS)
fuzz-run: fuzz
	tests/run-fuzz.sh $(FUZZ_SECONDS)

# Development servers: webhook https://127.0.0.1:8443, lint http://127.0.0.1:8080.
serve: deps-build ingress-warden
	scripts/dev-serve.sh

clean:
	rm -rf build ingress-warden

-include $(shell find build -name '*.d' 2>/dev/null)
