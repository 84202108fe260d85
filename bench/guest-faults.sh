#!/usr/bin/env bash
# Part of make bench: the guest kernel's page-table test (every page of PT_MIB MiB mapped by the
# fault handler) under j386 and, where installed, under qemu-system-i386 in the same run; prints
# the page faults handled per second of whole-process time on each side. The fault count comes
# from j386's --stats (the kernel is deterministic, so QEMU handles the same faults).
set -uo pipefail
cd "$(dirname "$0")/.."
PT_MIB=${PT_MIB:-26}
elf=guest-kernel/target/classes/org/j386/guest/kernel.elf
[ -f "$elf" ] || { echo "bench: $elf is missing (make build)" >&2; exit 2; }
now() { date +%s.%N; }

stats=$(mktemp)
t0=$(now)
./j386 boot --append "test=page_table pt_mib=$PT_MIB" -m 32M --serial none --stats >/dev/null 2>"$stats"
status=$?
t1=$(now)
faults=$(awk '/^page faults/ {print $3}' "$stats")
rm -f "$stats"
[ "$status" -eq 1 ] || { echo "bench: the page-table test did not pass under j386 (status $status)" >&2; exit 1; }
jsec=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}')
jrate=$(awk -v f="$faults" -v s="$jsec" 'BEGIN {printf "%.0f", f / s}')
qsec="-"; qrate="-"; ratio="-"
if command -v qemu-system-i386 >/dev/null 2>&1; then
    q0=$(now)
    timeout 600 qemu-system-i386 -kernel "$elf" -append "test=page_table pt_mib=$PT_MIB" -m 32M -display none \
        -serial null -monitor none -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=1 >/dev/null 2>&1
    q1=$(now)
    qsec=$(awk -v a="$q0" -v b="$q1" 'BEGIN {printf "%.2f", b - a}')
    qrate=$(awk -v f="$faults" -v s="$qsec" 'BEGIN {printf "%.0f", f / s}')
    ratio=$(awk -v j="$jrate" -v q="$qrate" 'BEGIN {printf "%.2f", j / q}')
fi
printf '\n%-22s %8s %8s %12s %8s %12s %10s\n' test faults j386_s j386_faults/s qemu_s qemu_faults/s j386/QEMU
printf '%-22s %8s %8s %12s %8s %12s %10s\n' "page_table ${PT_MIB} MiB" "$faults" "$jsec" "$jrate" "$qsec" "$qrate" "$ratio"
