# Driven by RealGdbTest (make gdb-test): gdb attaches to j386 boot --bios reset_state.bin --gdb
# --wait-gdb, which stops at the reset vector F000:FFF0 in real mode. The ROM's code starts at
# F000:0000, linear 0xF0000, where the reset vector's far jump goes.
set pagination off
set confirm off
set osabi none
target remote :${PORT}
echo CHECK architecture\n
show architecture
echo CHECK reset vector\n
print/x $pc
print/x $cs
x/i $pc
break *0xf0000
continue
echo CHECK breakpoint\n
print/x $pc
print/x $cs
x/2i $pc
stepi
echo CHECK stepped\n
print/x $pc
print/x $ebp == $edx
echo CHECK monitor\n
monitor regs
delete
detach
