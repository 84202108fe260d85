; expect: 8: error: `%$x': context stack is empty
; expect: 9: error: `%pop': context stack is empty
; expect: 10: error: `%rotate' invoked outside a macro call
; expect: 11: error: `%strlen' requires string as second parameter
; expect: 12: error: `%ifidn' expects two comma-separated arguments
; expect: 17: error: macro parameter `%-1' is not a condition code
        bits 32
        mov eax, %$x
%pop
%rotate 1
%strlen L 5
%ifidn a
%endif
%macro m 1
        j%-1 there
%endmacro
        m foo
there:
