; The preprocessor's tests on text (%ifidn, %ifidni, %ifnum, %ifstr, %ifid, %ifempty, %ifmacro, their
; negations and %elif forms) and its string functions (%strlen, %substr, %strcat, %defstr, %deftok).
%define A foo
%define B foo
%ifidn A, B
db 1
%endif
%ifidn A, Foo
db 2
%elifidni A, Foo
db 3
%endif
%ifnidn A,bar
db 4
%endif
%ifnum 42
db 5
%endif
%ifnum A
db 6
%elifid A
db 7
%endif
%ifstr 'x'
db 8
%endif
%ifnstr A
db 9
%endif
%define N 3
%ifnum N
db 10
%endif
%strlen L 'hello'
db L
%substr S 'hello', 2
db S
%substr S2 'hello', 2, 3
db S2
%substr S3 'hello', -2, 2
db S3
%strcat C 'ab', "cd", `e\n`
db C
%defstr DS A + 1
db DS
%deftok DT 'mov eax, 5'
DT
%ifempty
db 11
%endif
%macro m 0-*
%ifempty %1
db 12
%endif
%endmacro
m
%ifmacro m
db 13
%endif
%ifidn {a,b}, {a,b}
db 14
%endif
