# Sourced by the bench scripts (from the repository root): what to compare, and how to time it.

have_qemu=0
command -v qemu-system-i386 >/dev/null 2>&1 && have_qemu=1
QEMU_FLAGS=(-m 32M -display none -serial null -monitor none -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=1)

# `j386 boot --cpu interp|jit` exists once j386 has a JIT tier; before that the interpreter is all
# there is, and the jit columns stay empty.
tiers=(interp)
./j386 boot --help 2>&1 | grep -q -- '--cpu' && tiers=(interp jit)

j386_boot() {
    local tier=$1; shift
    if [ ${#tiers[@]} -gt 1 ]; then ./j386 boot --cpu "$tier" "$@"; else ./j386 boot "$@"; fi
}

now() { date +%s.%N; }

# stats_for TIER: the options a timed run of TIER takes. The interpreter's run is where the counts
# come from (--stats); a JIT run is timed as a plain boot, as users run it: with --stats, compiled
# code counts its TLB hits for the report, which costs its hot loops a few percent. Its translation
# time comes from an untimed run with --stats.
stats_for() { [ "$1" = interp ] && echo --stats; }

# timed CMD...: runs CMD and leaves its exit status in $status and its whole-process time in $secs
# (JVM start-up and warm-up included, as QEMU's start-up is).
timed() {
    local t0; t0=$(now)
    "$@"; status=$?
    secs=$(awk -v a="$t0" -v b="$(now)" 'BEGIN {printf "%.3f", b - a}')
}

# REPEAT: how many times make bench times the JIT tier and QEMU on each workload, one after the
# other; it prints the median of each (the interpreter, ten to twenty times slower, is timed once).
# Single whole-process runs on a shared machine move by 5-10% from one to the next, on both sides.
# Three unless set, or unless a script sets its own default first (guest-faults.sh: nine).
REPEAT=${REPEAT:-3}

# median SECONDS...: the median of the times given, or '-' for none.
median() {
    [ $# -eq 0 ] && { echo -; return; }
    printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {printf "%.3f", NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'
}

# alternately JIT_RUN QEMU_RUN: calls each function REPEAT times, one after the other (the JIT's
# only where j386 has a JIT tier, QEMU's only where it is installed); each times and checks one run
# with `timed`. Leaves the medians of their times in $jit_median and $qemu_median ('-' for none).
alternately() {
    local -a js=() qs=()
    local r
    for ((r = 0; r < REPEAT; r++)); do
        if [ ${#tiers[@]} -gt 1 ]; then "$1"; js+=("$secs"); fi
        if [ $have_qemu = 1 ]; then "$2"; qs+=("$secs"); fi
    done
    jit_median=$(median "${js[@]}")
    qemu_median=$(median "${qs[@]}")
}

# rate COUNT SECONDS DIVISOR FORMAT: COUNT per second (over DIVISOR), '-' without a measurement.
rate() {
    if [ "$2" = - ] || [ -z "$1" ]; then echo -; return; fi
    awk -v n="$1" -v s="$2" -v d="$3" -v f="$4" 'BEGIN {printf f, n / s / d}'
}

# speedup RATE QEMU_RATE: how many times QEMU's speed a j386 tier ran at (above 1: faster).
speedup() {
    if [ "$1" = - ] || [ "$2" = - ]; then echo -; return; fi
    awk -v j="$1" -v q="$2" 'BEGIN {printf "%.2f", j / q}'
}

# The JIT's own time, when j386 --stats reports it; nothing otherwise.
jit_compile_time() { awk '/^jit compile time/ {sub(/^jit compile time[ \t:]*/, ""); print; exit}' "$1"; }

qemu_note() {
    [ $have_qemu = 1 ] || echo "(qemu-system-i386 not installed: QEMU columns empty; apt-get install qemu-system-x86)"
}
