#!/bin/sh
# Runs one test kernel in QEMU the way its expected files were recorded.
#   run-qemu.sh DIR ELF OUT   -> writes the debug console bytes to OUT and
#                                prints QEMU's exit status on stdout.
# DIR/cmdline (optional) is passed as -append, DIR/args (optional) holds
# extra QEMU arguments, one per line (so values may contain spaces).
# Paths inside DIR/args are relative to this directory.
set -u
dir=$1 elf=$2 out=$3
set --
if [ -f "$dir/args" ]; then
    while IFS= read -r a || [ -n "$a" ]; do
        [ -n "$a" ] && set -- "$@" "$a"
    done < "$dir/args"
fi
if [ -f "$dir/cmdline" ]; then
    set -- "$@" -append "$(cat "$dir/cmdline")"
fi
rm -f "$out"
timeout 30 qemu-system-i386 -kernel "$elf" -m 32M -display none \
    -serial null -monitor none -no-reboot \
    -debugcon "file:$out" -device isa-debug-exit,iobase=0xf4,iosize=1 "$@" \
    </dev/null >/dev/null 2>&1
echo $?
