; expect: 4: error: expected `%endif' before end of file
        bits 32
%define DEBUG
%ifdef DEBUG
        nop
