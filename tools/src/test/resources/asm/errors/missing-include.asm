; expect: 2: error: unable to open include file `no-such-file.inc'
%include "no-such-file.inc"
        nop
