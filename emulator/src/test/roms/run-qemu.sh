#!/bin/sh
# Runs one test ROM in QEMU the way its expected files were recorded.
#   run-qemu.sh NAME ROM OUT   -> writes the debug console bytes to OUT and prints QEMU's exit
#                                 status (NAME is unused: the signature is the kernels' one).
# Without a BIOS nobody routes the 8259's output through the local APIC (its LINT0 is masked at
# reset), so the CPU is given none: j386 has none either, and the 8259 then interrupts directly.
set -u
rom=$2 out=$3
rm -f "$out"
timeout 30 qemu-system-i386 -bios "$rom" -m 32M -cpu qemu32,-apic -display none \
    -serial null -monitor none -no-reboot \
    -debugcon "file:$out" -device isa-debug-exit,iobase=0xf4,iosize=1 \
    </dev/null >/dev/null 2>&1
echo $?
