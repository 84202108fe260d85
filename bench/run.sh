#!/usr/bin/env bash
# make bench: boots each bench kernel under j386's interpreter, j386's JIT (once `j386 boot` has
# --cpu) and, where installed, qemu-system-i386 (TCG), in the same run, and prints instructions,
# whole-process seconds and MIPS for each, and each j386 tier's MIPS over QEMU's. The JIT and
# QEMU run REPEAT times each, one after the other, and their median times are printed.
# The instruction count comes from j386 (the kernels are deterministic, so every run executes the
# same count). A run that ends otherwise than the interpreter's, or prints something else, is
# reported on stderr: its time measures the wrong work.
set -uo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
BENCH_DIR=emulator/src/test/kernels/bench
kernels=("$@")
[ ${#kernels[@]} -eq 0 ] && kernels=(bench_alu bench_mem bench_c)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() {  # KERNEL RUNNER OUTPUT
    [ "$status" -eq 1 ] || echo "bench: $1 under $2 exited with status $status" >&2
    cmp -s "$tmp/interp.out" "$3" || echo "bench: $1 printed other output under $2 than under the interpreter" >&2
}

jit_run() {
    timed j386_boot jit "$elf" -m 32M --serial none --debugcon "$tmp/jit.out" $(stats_for jit) >/dev/null 2>&1
    check "$k" "j386 jit" "$tmp/jit.out"
}

qemu_run() {
    timed timeout 600 qemu-system-i386 -kernel "$elf" "${QEMU_FLAGS[@]}" -debugcon "file:$tmp/qemu.out" >/dev/null 2>&1
    check "$k" QEMU "$tmp/qemu.out"
}

fmt='%-10s %13s %9s %11s %8s %9s %8s %9s %11s %9s\n'
printf "$fmt" kernel instructions interp_s interp_MIPS jit_s jit_MIPS qemu_s qemu_MIPS interp/QEMU jit/QEMU
notes=()
for k in "${kernels[@]}"; do
    elf="$BENCH_DIR/$k.elf"
    [ -f "$elf" ] || { echo "bench: $elf is missing (make kernels)" >&2; exit 2; }
    declare -A sec=([interp]=- [jit]=- [qemu]=-) mips
    timed j386_boot interp "$elf" -m 32M --serial none --debugcon "$tmp/interp.out" $(stats_for interp) >/dev/null 2>"$tmp/interp.stats"
    check "$k" "j386 interp" "$tmp/interp.out"
    sec[interp]=$secs
    alternately jit_run qemu_run
    sec[jit]=$jit_median
    sec[qemu]=$qemu_median
    [ ${#tiers[@]} -gt 1 ] && j386_boot jit "$elf" -m 32M --serial none --debugcon none --stats >/dev/null 2>"$tmp/jit.stats"
    insns=$(awk '/^instructions/ {print $2}' "$tmp/interp.stats")
    for t in interp jit qemu; do mips[$t]=$(rate "$insns" "${sec[$t]}" 1e6 %.1f); done
    printf "$fmt" "$k" "$insns" "${sec[interp]}" "${mips[interp]}" "${sec[jit]}" "${mips[jit]}" \
        "${sec[qemu]}" "${mips[qemu]}" "$(speedup "${mips[interp]}" "${mips[qemu]}")" "$(speedup "${mips[jit]}" "${mips[qemu]}")"
    [ -s "$tmp/jit.stats" ] && c=$(jit_compile_time "$tmp/jit.stats") && [ -n "$c" ] && notes+=("$k: jit compile time $c")
    rm -f "$tmp"/*
done
for n in "${notes[@]}"; do echo "$n"; done
qemu_note
