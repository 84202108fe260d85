#!/usr/bin/env bash
# Times 'j386 asm' on a generated 10,000-line source (kernel-like: labels, local labels, forward
# and backward branches, memory operands, macros, data) and on a one-line source; the difference is
# the time spent assembling after the JVM, the CLI and the instruction table are up. Best of five.
# nasm's time on the same source is printed where installed.
# Not part of any test: the figure goes in the README by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${1:-10000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
src="$dir/big.asm"
awk -v n="$lines" 'BEGIN {
    print "        bits 32"
    print "        org 0x100000"
    print "%macro SAVE 2"
    print "        push %1"
    print "        push %2"
    print "%endmacro"
    count = 6
    for (f = 0; count < n; f++) {
        printf "func%d:\n", f
        printf "        SAVE ebp, ebx\n"
        printf "        mov ebp, esp\n"
        printf "        mov eax, [ebp + %d]\n", 8 + (f % 5) * 4
        printf ".loop:  add eax, [table + ecx*4 + %d]\n", f % 64
        printf "        cmp eax, 0x%x\n", f * 37
        printf "        jne .loop\n"
        printf "        lea esi, [edi + eax*2 - 6]\n"
        printf "        call func%d\n", (f + 7) % int((n - 6) / 16)
        printf "        test byte [flags], 4\n"
        printf "        jz func%d.loop\n", (f > 0 ? f - 1 : 0)
        printf "        shl edx, 3\n"
        printf "        pop ebx\n"
        printf "        pop ebp\n"
        printf "        ret\n"
        printf "        dd func%d, %d\n", f, f
        count += 15 + 1   # the macro call expands to two lines
    }
    print "flags:  db 0"
    print "table:  times 64 dd 0"
}' > "$src"
[ -f emulator/target/j386.jar ] || mvn -q -B -DskipTests package
now() { date +%s.%N; }
best() { sort -n | head -1; }
echo "        nop" > "$dir/one.asm"
for i in 1 2 3 4 5; do t0=$(now); ./j386 asm "$dir/one.asm" -o "$dir/one.bin"; t1=$(now); echo "$t0 $t1"; done \
    | awk '{print $2 - $1}' | best > "$dir/start"
for i in 1 2 3 4 5; do t0=$(now); ./j386 asm "$src" -o "$dir/big.bin"; t1=$(now); echo "$t0 $t1"; done \
    | awk '{print $2 - $1}' | best > "$dir/asm"
start=$(cat "$dir/start"); total=$(cat "$dir/asm")
printf 'j386 asm, one line: %.2f s   %d lines: %.2f s   assembling after start-up: %.2f s   output: %d bytes\n' \
    "$start" "$(wc -l < "$src")" "$total" "$(awk -v a="$total" -v b="$start" 'BEGIN {print a - b}')" \
    "$(stat -c %s "$dir/big.bin")"
if command -v nasm >/dev/null; then
    t0=$(now); nasm -f bin -o "$dir/nasm.bin" "$src"; t1=$(now)
    printf 'nasm: %.2f s, output %s\n' "$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')" \
        "$(cmp -s "$dir/nasm.bin" "$dir/big.bin" && echo identical || echo DIFFERENT)"
fi
