#!/usr/bin/env bash
# make bench: boots each bench kernel under j386 and, where installed, under qemu-system-i386 (TCG),
# in the same run, and prints instructions, seconds, MIPS and the ratio j386/QEMU.
# The instruction count comes from j386 (the kernels are deterministic, so QEMU runs the same count).
set -uo pipefail
cd "$(dirname "$0")/.."
BENCH_DIR=emulator/src/test/kernels/bench
kernels=("$@")
[ ${#kernels[@]} -eq 0 ] && kernels=(bench_alu bench_mem)
have_qemu=0
command -v qemu-system-i386 >/dev/null 2>&1 && have_qemu=1

now() { date +%s.%N; }

printf '%-10s %14s %9s %9s %9s %9s %10s\n' kernel instructions j386_s j386_MIPS qemu_s qemu_MIPS j386/QEMU
for k in "${kernels[@]}"; do
    elf="$BENCH_DIR/$k.elf"
    [ -f "$elf" ] || { echo "bench: $elf is missing (make kernels)" >&2; exit 2; }
    stats=$(mktemp)
    t0=$(now)
    ./j386 boot "$elf" -m 32M --serial none --stats >/dev/null 2>"$stats"
    t1=$(now)
    insns=$(awk '/^instructions/ {print $2}' "$stats")
    # Whole-process time on both sides (JVM start and warm-up included, like QEMU's start-up).
    jsec=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}')
    rm -f "$stats"
    jmips=$(awk -v i="$insns" -v s="$jsec" 'BEGIN {printf "%.1f", i / s / 1e6}')
    qsec="-"; qmips="-"; ratio="-"
    if [ $have_qemu = 1 ]; then
        q0=$(now)
        timeout 600 qemu-system-i386 -kernel "$elf" -m 32M -display none -serial null -monitor none -no-reboot \
            -device isa-debug-exit,iobase=0xf4,iosize=1 >/dev/null 2>&1
        q1=$(now)
        qsec=$(awk -v a="$q0" -v b="$q1" 'BEGIN {printf "%.2f", b - a}')
        qmips=$(awk -v i="$insns" -v s="$qsec" 'BEGIN {printf "%.1f", i / s / 1e6}')
        ratio=$(awk -v j="$jmips" -v q="$qmips" 'BEGIN {printf "%.2f", j / q}')
    fi
    printf '%-10s %14s %9.2f %9s %9s %9s %10s\n' "$k" "$insns" "$jsec" "$jmips" "$qsec" "$qmips" "$ratio"
done
[ $have_qemu = 1 ] || echo "(qemu-system-i386 not installed: QEMU columns empty; apt-get install qemu-system-x86)"
