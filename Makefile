# prof: small Unix filters for performance work.  See README.md.

# Where `make install` puts things; DESTDIR is prepended to every path
# for staged installs (packaging).
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
MANPREFIX ?= $(PREFIX)/share/man
SHAREDIR  ?= $(PREFIX)/share/prof
# The in-process agent, libprof-agent.so, which prof-record finds in
# ../lib/prof beside its own directory (or beside itself, in the build).
AGENTDIR  ?= $(PREFIX)/lib/prof
# Shell completions (bin/completions/, made from the programs' --help):
# bash-completion loads a command's file by its name from BASHCOMPDIR;
# zsh reads ZSHCOMPDIR (Debian's zsh has vendor-completions in its fpath).
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/vendor-completions
DESTDIR   ?=

# The version, from VERSION (or `git describe` when a tag vVERSION exists):
# scripts/version.  `make dist` names its tarball after it.
PROF_VERSION := $(shell scripts/version)
ifeq ($(PROF_VERSION),)
$(error scripts/version printed no version; see VERSION)
endif

# The user may override CFLAGS; what the build needs goes in ALL_CFLAGS.
CC         ?= cc
CFLAGS     ?= -O2 -g
PKG_CONFIG ?= pkg-config
# protoc-c (protobuf-c-compiler) makes lib/pprof's decoder and encoder from
# lib/pprof/profile.proto at build time; its output is not kept in git.
PROTOC_C   ?= protoc-c
# SANITIZE=1 builds everything with AddressSanitizer and UBSan.
SANITIZE   ?=

# `make fuzz`: the libFuzzer harnesses (fuzz/fuzz-TARGET.c) are built with
# FUZZ_CC into FUZZ_OUT, with their own objects of lib/ (the normal ones are
# not touched), and each target runs FUZZ_SECONDS seconds on a scratch copy
# of its seed corpus t/fuzz/TARGET (so generated inputs stay out of the
# tree); crashes are written to FUZZ_OUT/TARGET/, logs to FUZZ_OUT/TARGET.log.
# FUZZ_TARGETS picks some of them.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_OUT     ?= fuzz.out
FUZZ_TARGETS ?= perf folded pprof bench gobench rules conf palette agentread

# libunwind-generic: the remote API (_Ux86_64_*) prof-record's second
# unwinder uses, besides libunwind itself.
PKGS := libdw libelf libunwind libunwind-generic libprotobuf-c zlib
# yaml-0.1 (libyaml): prof-record --type stats --format yaml.
PKGS += yaml-0.1
# libmicrohttpd: prof-record --serve's HTTP server (lib/live/serve).
PKGS += libmicrohttpd
# capstone (libcapstone): prof-plan disassembles the hot code (lib/plan/hotcode).
PKGS += capstone
# libgvc (Graphviz's library): prof-flame --format graph lays the call graph
# out and writes its SVG (lib/flame/callgraph).
PKGS += libgvc
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)

WARN := -Wall -Wextra -Wshadow -Wno-unused-parameter
# CPPFLAGS too: a packager's -D_FORTIFY_SOURCE (dpkg-buildflags) goes there.
ALL_CFLAGS = -std=gnu11 $(WARN) $(CPPFLAGS) $(CFLAGS) $(PKG_CFLAGS) -Ilib -MMD -MP -pthread
ALL_LDFLAGS = $(LDFLAGS) -pthread
LIBS = lib/libprof.a $(PKG_LIBS) -lcsv -lstdc++ -lm

ifeq ($(SANITIZE),1)
ALL_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
ALL_LDFLAGS += -fsanitize=address,undefined
BUILD_TAG := sanitize
else
BUILD_TAG := normal
endif

PROGS := prof-fold prof-record prof-flame prof-top prof-diff prof-bench prof-plan
# lib/core/share-data.c is generated (share/prof's files as C strings), and
# so is lib/pprof/profile.pb-c.c (protoc-c's code for profile.proto), so
# they are named here even before they exist.  lib/README maps the folders.
SHARE_FILES := share/prof/flame.js share/prof/flame.css share/prof/rules.csv share/prof/waits.csv
GEN_SRC := lib/core/share-data.c lib/core/util-version.c lib/pprof/profile.pb-c.c
GEN_HDR := lib/pprof/profile.pb-c.h
LIB_SRC := $(filter-out $(GEN_SRC) lib/agent/%,$(wildcard lib/*/*.c)) $(GEN_SRC)
LIB_OBJ := $(LIB_SRC:.c=.o)
CMD_OBJ := $(PROGS:%=cmd/%.o)
BINS    := $(PROGS:%=bin/%)
MAN1    := $(PROGS:%=man/%.1)
MAN5    := man/prof-folded.5 man/prof.conf.5
MAN7    := man/prof.7
AGENT   := bin/libprof-agent.so
BASHCOMP := $(PROGS:%=bin/completions/bash/%)
ZSHCOMP  := $(PROGS:%=bin/completions/zsh/_%)

all: $(BINS) $(AGENT) $(BASHCOMP) $(ZSHCOMP)

# A change of SANITIZE must rebuild everything: the tag file records the mode.
.build-$(BUILD_TAG):
	rm -f .build-* lib/*/*.o cmd/*.o lib/libprof.a $(BINS)
	touch $@

$(LIB_OBJ) $(CMD_OBJ): .build-$(BUILD_TAG)
# Made before any object, since -MMD's lists exist only after a first build.
$(LIB_OBJ) $(CMD_OBJ): | $(GEN_HDR)

%.o: %.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

lib/core/share-data.c: scripts/embed $(SHARE_FILES)
	scripts/embed $(SHARE_FILES) >$@.tmp && mv $@.tmp $@

# util_version: remade by every make (FORCE), but replaced only when the
# version changed, so that only then the programs and the agent are rebuilt
# (git's GIT-VERSION-FILE does the same).
lib/core/util-version.c: FORCE
	@printf '/* Made by the Makefile from scripts/version. */\n#include "core/util.h"\n\nconst char util_version[] = "%s";\n' \
		'$(PROF_VERSION)' >$@.tmp && \
	if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

# protoc-c names its output after the .proto, under --c_out; it includes
# its header as "pprof/profile.pb-c.h", found with -Ilib.  (A pattern
# rule, so that one run makes both files.)
lib/%.pb-c.c lib/%.pb-c.h: lib/%.proto
	$(PROTOC_C) --proto_path=lib --c_out=lib $<

lib/libprof.a: $(LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $(LIB_OBJ)

bin/%: cmd/%.o lib/libprof.a
	@mkdir -p bin
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIBS)

# prof-bench alone counts allocations, by its own malloc and free: the
# archive's lib/bench/alloccount.o has the API without them, so that no other
# program gets the interposed allocator by pulling a member.
ALLOC_OBJ := lib/bench/alloccount-interpose.o
$(ALLOC_OBJ): lib/bench/alloccount.c .build-$(BUILD_TAG)
	$(CC) $(ALL_CFLAGS) -DPROF_ALLOCCOUNT_INTERPOSE -c -o $@ lib/bench/alloccount.c

bin/prof-bench: cmd/prof-bench.o $(ALLOC_OBJ) lib/libprof.a
	@mkdir -p bin
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(ALLOC_OBJ) $(LIBS)

# The agent (lib/agent/) is a shared object of its own, loaded into other
# programs with LD_PRELOAD: never in lib/libprof.a (it defines malloc), and
# never sanitized, since an ASan runtime cannot be preloaded into a program
# built without one (SANITIZE=1 leaves it as it is).  It links no
# libunwind: it dlopens it privately, so that libunwind's _Unwind_* do not
# replace libgcc's in the program.
AGENT_CFLAGS = -std=gnu11 $(WARN) $(CFLAGS) -Ilib -MMD -MP -pthread -fPIC \
	-fvisibility=hidden -ftls-model=initial-exec -fno-plt -fno-builtin-malloc -fno-builtin-free \
	$(CPPFLAGS) -DAGENT_BUILD_VERSION='"$(PROF_VERSION)"'
# (lib/core/util-version.c changes with the version, which the agent carries.)
$(AGENT): lib/agent/agent.c lib/core/util-version.c
	@mkdir -p bin
	$(CC) $(AGENT_CFLAGS) -MF lib/agent/agent.d -shared -o $@ lib/agent/agent.c $(LDFLAGS) -ldl

# The completions are made from each program's --help and its messages
# (scripts/completions), so they never drift from the options.  Running
# the programs here means a cross build would need an emulator.
bin/completions/bash/%: bin/% scripts/completions
	@mkdir -p $(dir $@)
	scripts/completions bash $< >$@.tmp && mv $@.tmp $@
bin/completions/zsh/_%: bin/% scripts/completions
	@mkdir -p $(dir $@)
	scripts/completions zsh $< >$@.tmp && mv $@.tmp $@

# The demo's target program: optimised, without frame pointers (the default
# at -O2), so the demo shows stacks unwound from DWARF.  Not installed.
bin/demo-app: t/data/demo/app.c
	@mkdir -p bin
	$(CC) -O2 -g -fno-inline -o $@ t/data/demo/app.c

deps:
	@scripts/deps

# The fuzz build: lib/ and the harnesses with libFuzzer, ASan and UBSan.
FUZZ_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS := -std=gnu11 $(WARN) -O1 -g $(FUZZ_SAN) -fsanitize=fuzzer-no-link $(PKG_CFLAGS) \
	$(shell $(PKG_CONFIG) --cflags libxml-2.0 2>/dev/null) -Ilib -Ifuzz -MMD -MP -pthread
FUZZ_LIBS   := $(PKG_LIBS) $(shell $(PKG_CONFIG) --libs libxml-2.0 2>/dev/null) -lcsv -lstdc++ -lm
FUZZ_LIBOBJ := $(LIB_SRC:lib/%.c=$(FUZZ_OUT)/lib/%.o)
FUZZ_BINS   := $(FUZZ_TARGETS:%=$(FUZZ_OUT)/fuzz-%)

$(FUZZ_OUT)/lib/%.o: lib/%.c | $(GEN_HDR)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_OUT)/fuzz/%.o: fuzz/%.c | $(GEN_HDR)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_OUT)/libprof.a: $(FUZZ_LIBOBJ)
	rm -f $@
	$(AR) rcs $@ $(FUZZ_LIBOBJ)

$(FUZZ_OUT)/fuzz-%: $(FUZZ_OUT)/fuzz/fuzz-%.o $(FUZZ_OUT)/fuzz/fuzz.o $(FUZZ_OUT)/libprof.a
	$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) -pthread -o $@ $< $(FUZZ_OUT)/fuzz/fuzz.o \
		$(FUZZ_OUT)/libprof.a $(FUZZ_LIBS)

fuzz-build: $(FUZZ_BINS)

# One target after the other; -max_total_time bounds each run.
fuzz: deps
	@$(MAKE) --no-print-directory fuzz-build
	@for t in $(FUZZ_TARGETS); do \
		rm -rf $(FUZZ_OUT)/corpus-$$t && mkdir -p $(FUZZ_OUT)/corpus-$$t $(FUZZ_OUT)/$$t && \
		cp t/fuzz/$$t/* $(FUZZ_OUT)/corpus-$$t/ && \
		echo "fuzz-$$t: $(FUZZ_SECONDS) s, log in $(FUZZ_OUT)/$$t.log" && \
		$(FUZZ_OUT)/fuzz-$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			-artifact_prefix=$(FUZZ_OUT)/$$t/ $(FUZZ_OUT)/corpus-$$t >$(FUZZ_OUT)/$$t.log 2>&1; \
		st=$$?; grep -E '^(Done|#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units)' $(FUZZ_OUT)/$$t.log; \
		if test $$st != 0; then echo "fuzz-$$t: FOUND a failure, see $(FUZZ_OUT)/$$t.log and $(FUZZ_OUT)/$$t/"; fail=1; fi; \
	done; exit $${fail:-0}

check: deps
	@$(MAKE) --no-print-directory all
	prove -j2 t/

demo: deps
	@$(MAKE) --no-print-directory all bin/demo-app
	@scripts/demo

bench: deps
	@$(MAKE) --no-print-directory all bin/demo-app
	@scripts/bench
	@scripts/bench-top
	@scripts/bench-bench
	@scripts/bench-record
	@scripts/bench-offcpu
	@scripts/bench-memory

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANPREFIX)/man1 $(DESTDIR)$(MANPREFIX)/man5 $(DESTDIR)$(MANPREFIX)/man7 $(DESTDIR)$(SHAREDIR)
	cp -f $(BINS) $(DESTDIR)$(BINDIR)/
	cp -f $(MAN1) $(DESTDIR)$(MANPREFIX)/man1/
	cp -f $(MAN5) $(DESTDIR)$(MANPREFIX)/man5/
	cp -f $(MAN7) $(DESTDIR)$(MANPREFIX)/man7/
	cp -Rf share/prof/. $(DESTDIR)$(SHAREDIR)/
	mkdir -p $(DESTDIR)$(AGENTDIR)
	cp -f $(AGENT) $(DESTDIR)$(AGENTDIR)/
	mkdir -p $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	cp -f $(BASHCOMP) $(DESTDIR)$(BASHCOMPDIR)/
	cp -f $(ZSHCOMP) $(DESTDIR)$(ZSHCOMPDIR)/

uninstall:
	rm -f $(PROGS:%=$(DESTDIR)$(BINDIR)/%)
	rm -f $(PROGS:%=$(DESTDIR)$(MANPREFIX)/man1/%.1)
	rm -f $(MAN5:man/%=$(DESTDIR)$(MANPREFIX)/man5/%)
	rm -f $(MAN7:man/%=$(DESTDIR)$(MANPREFIX)/man7/%)
	rm -rf $(DESTDIR)$(SHAREDIR)
	rm -f $(DESTDIR)$(AGENTDIR)/libprof-agent.so
	-rmdir $(DESTDIR)$(AGENTDIR) 2>/dev/null
	rm -f $(PROGS:%=$(DESTDIR)$(BASHCOMPDIR)/%)
	rm -f $(PROGS:%=$(DESTDIR)$(ZSHCOMPDIR)/_%)

# prof-VERSION.tar.gz, the source as a release: from git (the committed
# tree, HEAD) in a checkout, else (an unpacked tarball) the tree without
# what the build makes.  Unpacked anywhere, it builds, checks and installs
# without git; VERSION then says the version.  DIST_ORIG=1 also links it
# as prof_VERSION.orig.tar.gz, the upstream tarball of a source package.
DIST := prof-$(PROF_VERSION)
dist:
	rm -f $(DIST).tar.gz
	@if test -e .git && command -v git >/dev/null 2>&1; then \
		echo "git archive HEAD >$(DIST).tar.gz"; \
		git archive --format=tar.gz --prefix=$(DIST)/ -o $(DIST).tar.gz HEAD; \
	else \
		echo "tar (no .git) >$(DIST).tar.gz"; \
		tmp=$$(mktemp -d) && \
		tar -czf $$tmp/dist.tar.gz --transform 's,^\.,$(DIST),' --exclude='./prof-*.tar.gz' \
			--exclude='./prof_*.tar.gz' --exclude='./bin' --exclude='*.o' --exclude='*.d' \
			--exclude='*.a' --exclude='./.build-*' --exclude='./t/trash.*' \
			--exclude='./$(FUZZ_OUT)' --exclude='./.deps' --exclude='./bench.out' \
			--exclude='./demo' $(GEN_SRC:%=--exclude=./%) $(GEN_HDR:%=--exclude=./%) . && \
		mv $$tmp/dist.tar.gz $(DIST).tar.gz; st=$$?; rm -rf $$tmp; exit $$st; \
	fi
	@if test "$(DIST_ORIG)" = 1; then ln -sf $(DIST).tar.gz prof_$(PROF_VERSION).orig.tar.gz; fi
	@echo "wrote $(DIST).tar.gz"

clean:
	rm -rf bin lib/*/*.o lib/*/*.d cmd/*.o cmd/*.d lib/libprof.a $(GEN_SRC) $(GEN_HDR) .build-* t/trash.* $(FUZZ_OUT)

FORCE:

.PHONY: all deps check demo bench install uninstall clean dist fuzz fuzz-build FORCE

-include $(LIB_OBJ:.o=.d) $(CMD_OBJ:.o=.d) $(ALLOC_OBJ:.o=.d) lib/agent/agent.d $(wildcard $(FUZZ_OUT)/*/*.d $(FUZZ_OUT)/lib/*/*.d)
