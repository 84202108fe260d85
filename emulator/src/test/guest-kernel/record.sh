#!/bin/sh
# Runs a bundled guest kernel in QEMU once per case folder (its cmdline file is the -append
# string; a guest file names the kernel, mp4 when absent; a seed file makes the scenario of that
# seed the kernel's module) and writes what QEMU printed on the debug console and its exit status:
#   record.sh CLASSES [OUTDIR]   (CLASSES: guest-kernel/target/classes, holding the kernels;
#                                 OUTDIR defaults to this folder: re-records the goldens)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
classes=$1
out=${2:-$here}
command -v qemu-system-i386 >/dev/null || { apt-get install -y qemu-system-x86 >/dev/null; }
for dir in "$here"/*/; do
    name=$(basename "$dir")
    guest=mp4
    [ -f "$dir/guest" ] && guest=$(cat "$dir/guest")
    case $guest in
        mp4) kernel=$classes/org/j386/guest/kernel.elf ;;
        *) kernel=$classes/org/j386/guest/$guest.elf ;;
    esac
    mkdir -p "$out/$name"
    set --
    if [ -f "$dir/seed" ]; then
        java -cp "$classes:$classes/../../../tools/target/classes" org.j386.guest.scenario.WriteScenario \
            --guest "$guest" "$(cat "$dir/seed")" "$out/$name/scenario.bin"
        set -- -initrd "$out/$name/scenario.bin"
    fi
    set +e
    timeout 120 qemu-system-i386 -kernel "$kernel" -append "$(cat "$dir/cmdline")" -m 32M "$@" \
        -display none -serial null -monitor none -no-reboot \
        -debugcon "file:$out/$name/expected.out" -device isa-debug-exit,iobase=0xf4,iosize=1 \
        </dev/null >/dev/null 2>&1
    echo $? > "$out/$name/expected.status"
    set -e
    rm -f "$out/$name/scenario.bin"
done
