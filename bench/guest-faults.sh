#!/usr/bin/env bash
# Part of make bench: the guest kernel's page-table test (every page of PT_MIB MiB mapped by the
# fault handler), then the default runs (every test) of both bundled kernels, MP4's and Lab2's, as
# make run boots them, under each j386 tier and, where installed,
# qemu-system-i386 in the same run. Prints page faults handled per second, and MIPS, of
# whole-process time on each side (the JIT's and QEMU's the median of REPEAT runs each, one after
# the other). Counts come from j386's --stats (the kernel is deterministic, so QEMU does the same
# work).
set -uo pipefail
cd "$(dirname "$0")/.."
# These runs take a quarter to a third of a second, and QEMU's move the most from one to the next
# (0.13-0.25 s for the page-table test, a third of them much slower than the rest): a median of
# three often fell on a slow one, so these take nine runs a side (seconds more in all).
REPEAT=${REPEAT:-9}
. bench/lib.sh
PT_MIB=${PT_MIB:-26}
kernels=guest-kernel/target/classes/org/j386/guest
for k in kernel lab2; do
    [ -f "$kernels/$k.elf" ] || { echo "bench: $kernels/$k.elf is missing (make build)" >&2; exit 2; }
done
# The kernel a row boots: MP4's unless a row names another (--guest for j386, its image for QEMU).
guest=()
elf=$kernels/kernel.elf
stats=$(mktemp)
trap 'rm -f "$stats"' EXIT
fmt='%-20s %12s %8s %15s %8s %13s %8s %13s %11s %9s\n'

# jit_run, qemu_run: one timed run of the guest kernel with row's arguments (app, qapp, name).
jit_run() {
    timed j386_boot jit "${guest[@]}" "${app[@]}" -m 32M --serial none $(stats_for jit) >/dev/null 2>&1
    [ "$status" -eq 1 ] || { echo "bench: $name did not pass under j386 jit (status $status)" >&2; exit 1; }
}

qemu_run() {
    timed timeout 600 qemu-system-i386 -kernel "$elf" "${qapp[@]}" "${QEMU_FLAGS[@]}" >/dev/null 2>&1
    [ "$status" -eq 1 ] || echo "bench: $name did not pass under QEMU (status $status)" >&2
}

# row NAME STATS-PATTERN FIELD DIVISOR FORMAT [APPEND]: runs the guest kernel (with -append APPEND
# if given) under each tier and QEMU; the test must pass (exit status 1) everywhere.
row() {
    local name=$1 pattern=$2 field=$3 div=$4 f=$5 count
    local -a app=() qapp=()
    [ $# -gt 5 ] && app=(--append "$6") && qapp=(-append "$6")
    declare -A sec=([interp]=- [jit]=- [qemu]=-) per
    timed j386_boot interp "${guest[@]}" "${app[@]}" -m 32M --serial none $(stats_for interp) >/dev/null 2>"$stats"
    [ "$status" -eq 1 ] || { echo "bench: $name did not pass under j386 interp (status $status)" >&2; exit 1; }
    sec[interp]=$secs
    count=$(awk -v p="$pattern" -v n="$field" '$0 ~ p {print $n}' "$stats")
    alternately jit_run qemu_run
    sec[jit]=$jit_median
    sec[qemu]=$qemu_median
    if [ ${#tiers[@]} -gt 1 ]; then
        j386_boot jit "${guest[@]}" "${app[@]}" -m 32M --serial none --stats >/dev/null 2>"$stats"
        c=$(jit_compile_time "$stats") && [ -n "$c" ] && jit_notes+=("$name: jit compile time $c")
    fi
    for t in interp jit qemu; do per[$t]=$(rate "$count" "${sec[$t]}" "$div" "$f"); done
    printf "$fmt" "$name" "$count" "${sec[interp]}" "${per[interp]}" "${sec[jit]}" "${per[jit]}" \
        "${sec[qemu]}" "${per[qemu]}" "$(speedup "${per[interp]}" "${per[qemu]}")" "$(speedup "${per[jit]}" "${per[qemu]}")"
}

jit_notes=()
printf "\n$fmt" test faults interp_s interp_faults/s jit_s jit_faults/s qemu_s qemu_faults/s interp/QEMU jit/QEMU
row "page_table ${PT_MIB} MiB" '^page faults' 3 1 %.0f "test=page_table pt_mib=$PT_MIB"
printf "\n$fmt" test instructions interp_s interp_MIPS jit_s jit_MIPS qemu_s qemu_MIPS interp/QEMU jit/QEMU
row "mp4 default run" '^instructions' 2 1e6 %.1f
guest=(--guest lab2)
elf=$kernels/lab2.elf
row "lab2 default run" '^instructions' 2 1e6 %.1f
for n in "${jit_notes[@]}"; do echo "$n"; done
qemu_note
