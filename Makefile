# j386 — see README.md. `make run` boots the bundled kernel; `make test` runs every test.
MVN      ?= mvn -B
JAR      := emulator/target/j386.jar
KERNELS  := emulator/src/test/kernels
ROMS     := emulator/src/test/roms
DEMO     := $(KERNELS)/demo/demo.elf

.PHONY: all build run run-demo guest-goldens scenario mutants jit-fuzz jit-long-run test fuzz bench bench-phases oracle kernels roms examples vectors conform transcripts gdb-test report-test clean

all: build

# Also writes the archive of the classes a boot of the guest kernel loads, which ./j386 then maps
# instead of loading them (application class-data sharing: about 40 ms of each start-up). Without
# it (a JVM that cannot write one) ./j386 loads them as before.
CLASS_ARCHIVE := emulator/target/j386.jsa
# picocli's and ASM's classes are Java 5 class files, which the archive cannot hold: ArchivableJar
# rewrites them as Java 8 ones first (another 40 ms of each start-up).
build:
	$(MVN) -q -DskipTests package
	java -cp $(JAR) emulator/src/build/ArchivableJar.java $(JAR) >/dev/null
	rm -f $(CLASS_ARCHIVE)
	J386_JAVA_OPTS="-XX:ArchiveClassesAtExit=$(CURDIR)/$(CLASS_ARCHIVE) -Xlog:cds=off -Xlog:cds+dynamic=off" \
	  ./j386 boot --append "test=page_table pt_mib=1" --serial none >/dev/null 2>&1 || true

# Boots both bundled guest kernels (guest-kernel/), MP4 then Lab2; each runs every
# memory-manager test and ends through the debug-exit port with code 0 when all pass: exit status
# 1, as under QEMU.
run: build
	./j386 boot; s=$$?; [ $$s -eq 1 ] || exit $$s
	./j386 boot --guest lab2; s=$$?; [ $$s -eq 1 ] || exit $$s

# The C demo kernel of the test suite, with its screen. It writes to COM1 and the debug console
# alike, so the debug console is silenced here.
run-demo: build
	./j386 boot $(DEMO) --append "demo from make run" --debugcon none --vga-dump stdout; s=$$?; [ $$s -eq 1 ] || exit $$s

test:
	$(MVN) test

# The fuzzing harness (emulator/src/test/java/org/j386/emulator/fuzz): malformed images, random
# instruction streams in rings 0 and 3, console command sequences, mutated assembler sources and gdb
# packet sequences with disconnects, through pipes and over TCP against a live machine (targets
# images, code, console, asm, gdb, gdb-live), for
# FUZZ_SECONDS in all (shared by the targets) from a fresh seed, printed. make test runs a short
# slice from a fixed seed. Replay a failure: make fuzz FUZZ_TARGET=console FUZZ_SEED=n FUZZ_CASE=k
# Without FUZZ_TARGET it then compares the two CPU tiers on FUZZ_JIT_COUNT random sequences from
# the same seed (make jit-fuzz, below).
FUZZ_SECONDS ?= 600
FUZZ_JIT_COUNT ?= 20000
FUZZ_SEED    ?= $(shell date +%s)
FUZZ_TARGETS := $(if $(FUZZ_TARGET),1,6)
fuzz:
	@echo "fuzz: seed $(FUZZ_SEED), $(FUZZ_SECONDS) s"
	$(MVN) -q -pl emulator -am test -Dtest=FuzzTest -Dsurefire.failIfNoSpecifiedTests=false \
	  -Dj386.fuzz.seed=$(FUZZ_SEED) -Dj386.fuzz.seconds=$$(( $(FUZZ_SECONDS) / $(FUZZ_TARGETS) )) \
	  $(if $(FUZZ_TARGET),-Dj386.fuzz.target=$(FUZZ_TARGET)) $(if $(FUZZ_CASE),-Dj386.fuzz.case=$(FUZZ_CASE))
	$(if $(FUZZ_TARGET),,$(MAKE) jit-fuzz SEED=$(FUZZ_SEED) COUNT=$(FUZZ_JIT_COUNT))

# Benchmarks: each j386 CPU tier against QEMU (where installed) on the same bench kernels, in one
# run; then the guest kernel's page-table test (page faults handled per second) and the default
# runs of both bundled kernels, as make run boots them.
bench: build
	bash bench/run.sh
	bash bench/guest-faults.sh
	bash bench/recording.sh
	bash bench/phases.sh

# bench_c part by part, under the JIT and QEMU: warm-up and full speed apart (bench/phases.sh).
bench-phases: build
	bash bench/phases.sh

# Re-runs every test kernel and test ROM, and the bundled guest kernels for each case of
# $(GUEST_CASES), in QEMU and fails if QEMU disagrees with the committed expected output;
# re-assembles the assembler corpus and both guest kernels with nasm and fails on any byte that differs.
GUEST_CASES := emulator/src/test/guest-kernel
GUEST_CLASSES := guest-kernel/target/classes
oracle: build
	$(MAKE) -C $(KERNELS) oracle
	$(MAKE) -C $(ROMS) oracle
	command -v nasm >/dev/null || { apt-get update && apt-get install -y nasm; }
	$(MAKE) -C tools/src/test/resources/asm oracle
	@if command -v nasm >/dev/null; then \
	  mkdir -p target && for k in kernel lab2; do \
	    nasm -f bin -I guest-kernel/src/main/asm/ -o target/guest-nasm-$$k.bin guest-kernel/src/main/asm/$$k.asm && \
	    ./j386 asm guest-kernel/src/main/asm/$$k.asm -o target/guest-j386-$$k.bin && \
	    cmp target/guest-nasm-$$k.bin target/guest-j386-$$k.bin && \
	    echo "guest kernel $$k.asm: j386 asm and nasm agree byte for byte" || exit 1; done; \
	else echo "nasm not installed: guest kernels not re-assembled"; fi
	rm -rf target/guest-oracle && $(GUEST_CASES)/record.sh $(GUEST_CLASSES) target/guest-oracle
	for d in $(GUEST_CASES)/*/; do n=$$(basename $$d); \
	  diff -u $$d/expected.out target/guest-oracle/$$n/expected.out && \
	  diff -u $$d/expected.status target/guest-oracle/$$n/expected.status || exit 1; done

# Replays one seed of the differential test: a bundled guest kernel (KERNEL=mp4 or lab2) runs the
# seed's scenario with the reference checking every record (make scenario KERNEL=lab2 SEED=42).
# Status 3 is a scenario that ends as it must, by the kernel refusing a release (the reference
# stops there too, or j386 would report the divergence with status 12).
SEED ?= 1
KERNEL ?= mp4
scenario: build
	mkdir -p target
	java -cp $(GUEST_CLASSES):tools/target/classes org.j386.guest.scenario.WriteScenario --guest $(KERNEL) $(SEED) \
	  target/scenario-$(KERNEL)-$(SEED).bin
	./j386 boot --guest $(KERNEL) --module target/scenario-$(KERNEL)-$(SEED).bin --check-reference --debugcon stdio \
	  --serial none; s=$$?; [ $$s -eq 1 ] || [ $$s -eq 3 ] || exit $$s

# The mutation score of the Java-side checks: each one-line bug of guest-kernel/mutants applied to
# the guest sources alone, run through the kernel's tests with the state-comparing reference check
# and the stale-TLB audit, then the differential scenarios (MUTANT_SEEDS per mutant); prints which
# check killed each mutant and fails if one survives them all (make mutants MUTANT=pte_wrong_slot).
MUTANT_SEEDS ?= 100
mutants:
	$(MVN) -q -pl emulator -am test -Dtest=MutationScoreTest -Dsurefire.failIfNoSpecifiedTests=false \
	  -Dj386.mutants=true -Dj386.mutants.seeds=$(MUTANT_SEEDS) $(if $(MUTANT),-Dj386.mutant=$(MUTANT))

# Differential fuzzing of the two CPU tiers past make test's slice: COUNT random sequences from
# SEED, each run by the interpreter and by the bytecode tier (make jit-fuzz SEED=42 COUNT=100000).
# A failure names the seed that replays it alone (COUNT=1).
COUNT ?= 100000
jit-fuzz:
	$(MVN) -q -pl emulator -am test -Dtest='TiersAgreeOnRandomCodeTest#bothTiersAgreeOnEveryRandomSequence' \
	  -Dsurefire.failIfNoSpecifiedTests=false -Dj386.fuzz.seed=$(SEED) -Dj386.fuzz.count=$(COUNT)

# The compiled-C bench kernel run for LONG_RUN instructions through a code cache far too small for
# it, sampling the JVM's heap, loaded classes and class metadata after full collections: all must
# stay flat while blocks are compiled and evicted all along. make test runs ten billion.
LONG_RUN ?= 100000000000
jit-long-run:
	$(MVN) -q -pl emulator -am test -Dtest=LongRunFootprintTest -Dsurefire.failIfNoSpecifiedTests=false \
	  -Dj386.longrun.instructions=$(LONG_RUN)

# Re-records QEMU's output for the guest-kernel cases (after a change to the kernel).
guest-goldens: build
	$(GUEST_CASES)/record.sh $(GUEST_CLASSES)

# Rebuilds the test kernels from their C sources (needs gcc-multilib; installs it on Debian).
kernels:
	$(MAKE) -C $(KERNELS) all

# Reassembles the test ROMs (emulator/src/test/roms) with j386's own assembler; `make -C
# emulator/src/test/roms record` then re-records QEMU's output for them.
roms: build
	$(MAKE) -C $(ROMS) all

# Rebuilds the example course kernel (examples/course-kernel: kernel.bin and kernel.elf, both
# committed and booted by make test, and nasm's start.o) with g++ and nasm, then links it again
# with j386 asm -f elf32's start.o and fails unless both images are the same; installs Debian's
# gcc-multilib, g++-multilib and nasm if 32-bit C++ or nasm is missing.
examples:
	@t=$$(mktemp); if ! command -v nasm >/dev/null 2>&1 || \
	    ! echo 'int x;' | g++ -m32 -c -x c++ -o "$$t" - >/dev/null 2>&1; then \
	    echo "installing gcc-multilib, g++-multilib and nasm"; \
	    apt-get update && apt-get install -y gcc-multilib g++-multilib nasm; \
	fi; rm -f "$$t"
	$(MAKE) -C examples/course-kernel clean all check-j386

# The gdb stub against the real gdb (installs Debian's gdb if missing); make test skips this test without gdb.
gdb-test:
	command -v gdb >/dev/null || { apt-get update && apt-get install -y gdb; }
	$(MVN) -q -pl emulator -am test -Dtest=RealGdbTest -Dsurefire.failIfNoSpecifiedTests=false

# The memory report in a real browser (installs Debian's chromium if missing): the bundled guest kernel
# and a paging test kernel booted with --report, each page loaded in headless Chromium, which must
# show no console error or request and draw every section; rewrites the README's screenshot
# (doc/report-guest-kernel.png). make test skips this test without chromium.
report-test:
	command -v chromium >/dev/null || { apt-get update && apt-get install -y chromium; }
	$(MVN) -q -pl emulator -am test -Dtest=ReportInBrowserTest -Dsurefire.failIfNoSpecifiedTests=false \
	  -Dj386.report.screenshots=$(CURDIR)/doc

# Re-records the instruction vectors on this machine's x86 CPU (needs gcc-multilib; installs it on
# Debian if missing) into emulator/src/main/resources/org/j386/emulator/conform/vectors.
vectors:
	$(MAKE) -C conformance/generator vectors

# Runs every conformance suite and prints the table (exit status 0 only when nothing failed).
conform: build
	./j386 conform

# Rewrites the debugger's expected console transcripts from the current output (review with git diff).
transcripts:
	$(MVN) -q -pl emulator -am test -Dtest=ConsoleTranscriptTest -Dsurefire.failIfNoSpecifiedTests=false -Dj386.updateTranscripts=true

clean:
	$(MVN) -q clean
