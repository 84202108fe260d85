; expect: 5: error: stack size must be a multiple of 16
        bits 32
%assign STACK 100
%if STACK % 16
%error stack size must be a multiple of 16
%endif
