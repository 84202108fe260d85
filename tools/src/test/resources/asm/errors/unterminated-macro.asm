; expect: 3: error: end of file while still defining macro `stub'
        bits 32
%macro stub 1
        push dword %1
        jmp common
