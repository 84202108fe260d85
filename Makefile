# j386 — see README.md. `make run` boots the bundled kernel; `make test` runs every test.
MVN      ?= mvn -B
JAR      := emulator/target/j386.jar
KERNELS  := emulator/src/test/kernels
DEMO     := $(KERNELS)/demo/demo.elf

.PHONY: all build run test bench oracle kernels clean

all: build

build:
	$(MVN) -q -DskipTests package

run: build
	./j386 boot $(DEMO) --append "demo from make run" --vga-dump stdout

test:
	$(MVN) test

# Benchmarks: j386 against QEMU (where installed) on the same bench kernels, in one run.
bench: build
	bash bench/run.sh

# Re-runs every test kernel in QEMU and fails if QEMU disagrees with the committed expected output.
oracle:
	$(MAKE) -C $(KERNELS) oracle

# Rebuilds the test kernels from their C sources (needs gcc-multilib; installs it on Debian).
kernels:
	$(MAKE) -C $(KERNELS) all

clean:
	$(MVN) -q clean
