# Driven by RealGdbTest (make gdb-test): gdb attaches to j386 boot --gdb --wait-gdb on paging_lazy.
set pagination off
set confirm off
target remote :${PORT}
echo CHECK entry\n
print/x $eip
break pf_handler
continue
echo CHECK breakpoint\n
print/x $eip
print/x $eax
echo CHECK return address\n
info symbol *(unsigned int *)$esp
echo CHECK window\n
print/x *(unsigned int *)0x00100412
stepi
echo CHECK stepped\n
print/x $eip
set var $ecx = 0x1234abcd
echo CHECK written register\n
print/x $ecx
set var *(unsigned int *)0x00200000 = 0xfeedface
echo CHECK written memory\n
x/1xw 0x00200000
echo CHECK monitor\n
monitor walk cr2
delete
watch *(int *)&faults
continue
echo CHECK watch\n
print *(int *)&faults
delete
detach
