#!/bin/sh
# Records or checks QEMU's output for the test kernels or test ROMs of the current folder, whose
# run-qemu.sh runs one of them: run-qemu.sh NAME IMAGE OUT prints QEMU's exit status.
#   goldens.sh record EXT NAME...   run each NAME/NAME.EXT twice; refuse output that is not
#                                   reproducible; write NAME/expected.out and expected.status
#   goldens.sh oracle EXT NAME...   run each once and fail with a diff on any difference
set -u
mode=$1 ext=$2
shift 2
mkdir -p build
fail=0
for n in "$@"; do
    image=$n/$n.$ext
    if [ "$mode" = record ]; then
        s1=$(./run-qemu.sh "$n" "$image" "build/$n.1.out")
        s2=$(./run-qemu.sh "$n" "$image" "build/$n.2.out")
        if [ "$s1" != "$s2" ] || ! cmp -s "build/$n.1.out" "build/$n.2.out"; then
            echo "$n: NOT DETERMINISTIC (status $s1 vs $s2)"; diff "build/$n.1.out" "build/$n.2.out"; exit 1
        fi
        cp "build/$n.1.out" "$n/expected.out"; echo "$s1" > "$n/expected.status"
        echo "$n: status $s1, $(wc -c < "$n/expected.out") bytes"
    else
        s=$(./run-qemu.sh "$n" "$image" "build/$n.out")
        if [ "$s" = "$(cat "$n/expected.status")" ] && cmp -s "build/$n.out" "$n/expected.out"; then
            echo "ok   $n"
        else
            echo "FAIL $n: status $s, expected $(cat "$n/expected.status")"
            diff "$n/expected.out" "build/$n.out"; fail=1
        fi
    fi
done
exit $fail
