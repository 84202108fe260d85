; expect: 4: error: label `here' inconsistently redefined
        bits 32
here:   nop
here:   nop
