# Driven by RealGdbTest (make gdb-test): gdb goes back in a run of paging_lazy under j386 boot --gdb --record.
set pagination off
set confirm off
target remote :${PORT}
break pf_handler
continue
echo CHECK first\n
monitor when
continue
echo CHECK second\n
monitor when
reverse-continue
echo CHECK back\n
monitor when
print/x $eip
reverse-stepi
echo CHECK stepped back\n
info symbol $eip
echo CHECK record\n
monitor info record
delete
detach
