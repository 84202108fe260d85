#!/usr/bin/env bash
# Part of make bench (and alone: make bench-phases): where bench_c's time goes, part by part. The kernel prints one checksum line
# per part (sort, hash, vm, matrix, memcpy, fnptr); each line is stamped as it arrives, under j386's
# JIT and, where installed, qemu-system-i386, in the same run. Each side runs ROUNDS rounds (the
# bench's 10 by default) and then three times as many: the difference between the two runs of a
# part is the time of 2 x ROUNDS rounds at full speed, and what the first run took beyond half of
# that difference is its warm-up (for j386: translation and the JVM's compilers).
set -uo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
ROUNDS=${ROUNDS:-10}
elf=emulator/src/test/kernels/bench/bench_c.elf
[ -f "$elf" ] || { echo "bench: $elf is missing (make kernels)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# stamp T0: each line of stdin as "SECONDS-SINCE-T0 LINE".
stamp() {
    local line
    while IFS= read -r line; do
        awk -v a="$1" -v b="$(now)" -v l="$line" 'BEGIN {printf "%.3f %s\n", b - a, l}'
    done
}

# part_times FILE: "part seconds" for each part, start-up (to the first line) included.
part_times() {
    awk 'NR == 1 {print "start-up", $1; prev = $1; next}
         $2 ~ /^[a-z]+$/ && $3 ~ /^checksum=/ {print $2, $1 - prev; prev = $1}' "$1"
}

# run SIDE ROUNDS: the stamped output of one run into $tmp/SIDE.ROUNDS.
run() {
    local side=$1 rounds=$2 t0
    t0=$(now)
    if [ "$side" = jit ]; then
        j386_boot jit "$elf" --append "iterations=$rounds" -m 32M --serial none --debugcon /dev/stdout 2>/dev/null \
            | stamp "$t0" > "$tmp/$side.$rounds"
    else
        timeout 600 qemu-system-i386 -kernel "$elf" -append "iterations=$rounds" "${QEMU_FLAGS[@]}" -debugcon stdio \
            2>/dev/null | stamp "$t0" > "$tmp/$side.$rounds"
    fi
}

sides=(jit)
[ $have_qemu = 1 ] && sides+=(qemu)
long=$((3 * ROUNDS))
for side in "${sides[@]}"; do
    run "$side" "$ROUNDS"
    run "$side" "$long"
    part_times "$tmp/$side.$ROUNDS" > "$tmp/$side.a"
    part_times "$tmp/$side.$long" > "$tmp/$side.b"
done
[ -s "$tmp/jit.a" ] || { echo "bench: bench_c printed nothing under j386" >&2; exit 1; }
[ $have_qemu = 1 ] || { cp "$tmp/jit.a" "$tmp/qemu.a"; cp "$tmp/jit.b" "$tmp/qemu.b"; : > "$tmp/noqemu"; }

echo "bench_c by part: seconds of $ROUNDS rounds, and of $((2 * ROUNDS)) more rounds at full speed (the $long-round run less the $ROUNDS-round one)"
printf '%-9s %9s %9s %9s   %9s %9s %9s   %9s\n' part jit_s qemu_s jit/qemu jit_full_s qemu_full_s jit/qemu jit_warmup
paste "$tmp/jit.a" "$tmp/jit.b" "$tmp/qemu.a" "$tmp/qemu.b" | awk -v noqemu="$([ -e "$tmp/noqemu" ] && echo 1)" '
    function ratio(j, qs) { return (noqemu || j <= 0) ? "-" : sprintf("%.2f", qs / j) }
    function q(v) { return noqemu ? "-" : sprintf("%.2f", v) }
    {
        ja = $2; jb = $4; qa = $6; qb = $8
        if ($1 == "start-up") {
            printf "%-9s %9.2f %9s %9s   %9s %9s %9s   %9s\n", $1, ja, q(qa), ratio(ja, qa), "-", "-", "-", "-"
        } else {
            jf = jb - ja; qf = qb - qa
            printf "%-9s %9.2f %9s %9s   %9.2f %9s %9s   %9.2f\n", $1, ja, q(qa), ratio(ja, qa), jf, q(qf), ratio(jf, qf), ja - jf / 2
        }
    }'
qemu_note
