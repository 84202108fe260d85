; expect: 5: error: symbol `printk' not defined (it is EXTERN, which only an object file (-f elf32) can leave to the linker)
        bits 32
        extern printk, panic
        global _start
_start: call printk
        ret
