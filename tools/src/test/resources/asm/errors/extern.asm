; expect: 5: error: symbol `printk' not defined (it is EXTERN, and j386 links nothing: %include the file that defines it)
        bits 32
        extern printk, panic
        global _start
_start: call printk
        ret
