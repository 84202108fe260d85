#!/usr/bin/env bash
# make bench: what the debugger's recording costs (j386 debug records by default; j386 boot --gdb
# --record). Boots each bench kernel on the JIT twice, plainly and recording snapshots as a debugging
# session does (the hidden boot option --bench-recording, with no debugger attached), and prints the
# run time of each (the machine's own wall time from --stats, without JVM start-up), their ratio,
# the snapshots taken and the memory they took per million instructions (all snapshots taken, as if
# none had been dropped for --record-limit).
set -uo pipefail
cd "$(dirname "$0")/.."
BENCH_DIR=emulator/src/test/kernels/bench
kernels=("$@")
[ ${#kernels[@]} -eq 0 ] && kernels=(bench_alu bench_mem bench_c)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

wall() { awk '/^wall time/ {print $3}' "$1"; }

fmt='%-10s %13s %8s %10s %7s %10s %16s\n'
printf "$fmt" kernel instructions plain_s recorded_s ratio snapshots KiB_per_Minsn
for k in "${kernels[@]}"; do
    elf="$BENCH_DIR/$k.elf"
    [ -f "$elf" ] || { echo "bench: $elf is missing (make kernels)" >&2; exit 2; }
    ./j386 boot --cpu jit "$elf" -m 32M --serial none --debugcon none --stats 2>"$tmp/plain" >/dev/null
    ./j386 boot --cpu jit "$elf" -m 32M --serial none --debugcon none --stats --bench-recording 2>"$tmp/rec" >/dev/null
    cmp -s <(grep -E '^(instructions|TLB|page faults)' "$tmp/plain") <(grep -E '^(instructions|TLB|page faults)' "$tmp/rec") \
        || echo "bench: $k ran otherwise while recording" >&2
    insns=$(awk '/^instructions/ {print $2}' "$tmp/plain")
    plain=$(wall "$tmp/plain")
    rec=$(wall "$tmp/rec")
    taken=$(grep -o '[0-9]* taken in' "$tmp/rec" | awk '{print $1}')
    per=$(grep -o '([0-9.]* KiB per million' "$tmp/rec" | tr -d '(' | awk '{print $1}')
    ratio=$(awk -v a="$plain" -v b="$rec" 'BEGIN {printf "%.2f", b / a}')
    printf "$fmt" "$k" "$insns" "$plain" "$rec" "$ratio" "${taken:--}" "${per:--}"
done
