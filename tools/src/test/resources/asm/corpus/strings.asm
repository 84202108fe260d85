; String escapes in backquotes, Unicode in UTF-8, and strings padded to the data width.
        db `\u1234\u00e9\U0001F600`, 0
        db `\x41\x4a\x`, `\101\0\7`, `\'\"\`\\\?`
        db `\a\b\t\n\v\f\r\e\z`
        dw 'a', "bc", `d\n`
        dd 'abcde', `\u20ac`
        dq 'eight by', `tes\0`
