; Branch sizing: jumps forward and back over gaps around the reach of a byte displacement.
; NASM makes each one short when the target is in reach once every branch is as short as it
; can be; j386 must pick exactly the same sizes. (Generated once; labels p_N in 16-bit code,
; q_N in 32-bit code.)
        bits 16
p_0:
        jmp p_57
        times 60 nop
        jle p_10
        times 60 nop
        jmp p_16
        times 124 nop
p_1:
        jnc p_12
        times 2 nop
        jnc p_19
        times 30 nop
p_2:
        jz p_26
        times 2 nop
        call p_63
        times 128 nop
p_3:
        jg p_10
        times 127 nop
        jz p_71
        times 60 nop
p_4:
        jnc p_4
        times 126 nop
        call p_25
        times 100 nop
        jg p_2
        times 120 nop
p_5:
        jle p_38
        times 124 nop
p_6:
        jmp p_22
        times 126 nop
p_7:
        jmp p_48
        times 30 nop
p_8:
        jnc p_29
        times 0 nop
        jmp p_49
        times 0 nop
p_9:
        jg p_62
        times 128 nop
        jg p_46
        times 130 nop
p_10:
        jg p_23
        times 60 nop
        jmp p_7
        times 128 nop
p_11:
        jmp p_5
        times 128 nop
        jmp p_62
        times 2 nop
        jz p_33
        times 125 nop
p_12:
        jmp p_66
        times 0 nop
        jmp p_8
        times 126 nop
p_13:
        call p_36
        times 126 nop
p_14:
        jmp p_25
        times 100 nop
        jmp p_64
        times 127 nop
        jnc p_47
        times 1 nop
p_15:
        jle p_0
        times 100 nop
        jle p_49
        times 1 nop
        jg p_16
        times 60 nop
p_16:
        jmp p_18
        times 126 nop
p_17:
        jz p_13
        times 1 nop
        jmp p_65
        times 100 nop
p_18:
        call p_36
        times 130 nop
        jle p_19
        times 2 nop
        jg p_0
        times 124 nop
p_19:
        jz p_21
        times 125 nop
        jle p_22
        times 120 nop
        jmp p_26
        times 126 nop
p_20:
        jnc p_1
        times 120 nop
        call p_20
        times 128 nop
p_21:
        jnc p_60
        times 127 nop
        jle p_17
        times 2 nop
        jg p_62
        times 128 nop
p_22:
        jz p_75
        times 60 nop
        jz p_3
        times 100 nop
p_23:
        call p_60
        times 1 nop
        jmp p_13
        times 124 nop
        jnc p_59
        times 128 nop
p_24:
        jnc p_1
        times 127 nop
        jmp p_45
        times 126 nop
p_25:
        jmp p_28
        times 130 nop
        jz p_39
        times 100 nop
        jg p_48
        times 130 nop
p_26:
        jz p_2
        times 127 nop
p_27:
        call p_20
        times 128 nop
        call p_66
        times 100 nop
p_28:
        jmp p_66
        times 127 nop
p_29:
        jmp p_51
        times 120 nop
        jmp p_31
        times 30 nop
p_30:
        jg p_44
        times 2 nop
p_31:
        call p_75
        times 0 nop
        jz p_49
        times 127 nop
p_32:
        jnc p_25
        times 30 nop
        jmp p_34
        times 124 nop
p_33:
        call p_4
        times 0 nop
        jnc p_70
        times 126 nop
        jg p_79
        times 120 nop
p_34:
        jg p_75
        times 2 nop
        call p_5
        times 30 nop
p_35:
        jz p_49
        times 2 nop
        jmp p_57
        times 124 nop
p_36:
        jmp p_25
        times 120 nop
        jnc p_30
        times 127 nop
p_37:
        jmp p_70
        times 126 nop
        jmp p_8
        times 1 nop
p_38:
        call p_1
        times 127 nop
p_39:
        call p_5
        times 120 nop
        jg p_50
        times 128 nop
        jg p_47
        times 120 nop
p_40:
        jnc p_2
        times 100 nop
        jg p_65
        times 60 nop
        jnc p_79
        times 100 nop
p_41:
        jnc p_4
        times 120 nop
        jmp p_41
        times 60 nop
p_42:
        jmp p_18
        times 30 nop
        call p_55
        times 124 nop
        jle p_49
        times 100 nop
p_43:
        jmp p_60
        times 60 nop
        jmp p_18
        times 30 nop
p_44:
        jnc p_29
        times 126 nop
        jg p_64
        times 0 nop
        jle p_37
        times 127 nop
p_45:
        jg p_11
        times 2 nop
        jle p_54
        times 2 nop
        jle p_30
        times 60 nop
p_46:
        call p_72
        times 100 nop
p_47:
        call p_20
        times 125 nop
        jmp p_16
        times 126 nop
        call p_66
        times 124 nop
p_48:
        jnc p_33
        times 125 nop
p_49:
        jmp p_5
        times 30 nop
        jg p_22
        times 127 nop
p_50:
        jmp p_38
        times 124 nop
p_51:
        jle p_65
        times 2 nop
p_52:
        jz p_62
        times 127 nop
p_53:
        jnc p_24
        times 128 nop
p_54:
        jle p_26
        times 120 nop
        jmp p_48
        times 0 nop
        jmp p_75
        times 126 nop
p_55:
        jle p_43
        times 126 nop
p_56:
        jmp p_29
        times 120 nop
        jmp p_28
        times 128 nop
p_57:
        jmp p_56
        times 125 nop
p_58:
        call p_8
        times 2 nop
        jmp p_40
        times 0 nop
p_59:
        jz p_31
        times 130 nop
        jg p_26
        times 128 nop
        jg p_5
        times 128 nop
p_60:
        jmp p_42
        times 30 nop
        jmp p_64
        times 1 nop
p_61:
        call p_34
        times 124 nop
        jle p_72
        times 2 nop
        jz p_72
        times 130 nop
p_62:
        jg p_62
        times 0 nop
p_63:
        jnc p_20
        times 125 nop
        jnc p_24
        times 0 nop
p_64:
        jle p_74
        times 127 nop
p_65:
        jle p_40
        times 127 nop
        jmp p_1
        times 130 nop
        call p_47
        times 100 nop
p_66:
        jnc p_48
        times 0 nop
p_67:
        call p_57
        times 124 nop
p_68:
        call p_64
        times 130 nop
p_69:
        jmp p_75
        times 100 nop
        jz p_33
        times 100 nop
        call p_59
        times 0 nop
p_70:
        jle p_37
        times 126 nop
        call p_51
        times 2 nop
        jmp p_59
        times 1 nop
p_71:
        call p_29
        times 100 nop
        jmp p_30
        times 30 nop
        jz p_79
        times 0 nop
p_72:
        jnc p_33
        times 2 nop
        jmp p_77
        times 128 nop
        call p_57
        times 120 nop
p_73:
        jnc p_68
        times 124 nop
        jle p_52
        times 60 nop
p_74:
        jnc p_73
        times 127 nop
        jmp p_24
        times 30 nop
        jmp p_46
        times 128 nop
p_75:
        jle p_11
        times 2 nop
p_76:
        jz p_48
        times 30 nop
        jz p_34
        times 120 nop
p_77:
        jmp p_68
        times 126 nop
        call p_66
        times 1 nop
        call p_48
        times 0 nop
p_78:
        jle p_64
        times 128 nop
        jnc p_33
        times 125 nop
        jmp p_78
        times 130 nop
p_79:
        jz p_48
        times 60 nop
        call p_14
        times 0 nop
        bits 32
q_0:
        call q_49
        times 60 nop
q_1:
        jmp q_18
        times 2 nop
q_2:
        jmp q_10
        times 124 nop
        call q_1
        times 0 nop
q_3:
        jmp q_46
        times 126 nop
        jg q_3
        times 127 nop
q_4:
        jmp q_34
        times 0 nop
        jle q_53
        times 120 nop
        jmp q_59
        times 2 nop
q_5:
        jz q_77
        times 1 nop
        jle q_44
        times 125 nop
        jnc q_71
        times 120 nop
q_6:
        jle q_30
        times 0 nop
        jz q_31
        times 124 nop
q_7:
        jmp q_76
        times 2 nop
q_8:
        call q_59
        times 125 nop
        jle q_48
        times 1 nop
q_9:
        jz q_37
        times 127 nop
        jle q_31
        times 127 nop
q_10:
        jg q_79
        times 30 nop
        jmp q_52
        times 1 nop
q_11:
        jz q_9
        times 30 nop
        jle q_44
        times 100 nop
q_12:
        jle q_71
        times 126 nop
        call q_32
        times 128 nop
q_13:
        jmp q_4
        times 130 nop
        jmp q_28
        times 128 nop
        call q_69
        times 120 nop
q_14:
        jg q_31
        times 127 nop
        jmp q_49
        times 2 nop
        jg q_28
        times 0 nop
q_15:
        jmp q_59
        times 100 nop
q_16:
        jg q_50
        times 128 nop
        jnc q_7
        times 60 nop
q_17:
        jmp q_27
        times 125 nop
        jle q_79
        times 126 nop
q_18:
        jle q_34
        times 128 nop
        jmp q_51
        times 0 nop
q_19:
        jle q_24
        times 120 nop
        jmp q_8
        times 60 nop
q_20:
        jg q_73
        times 127 nop
q_21:
        jmp q_41
        times 125 nop
        jg q_63
        times 126 nop
q_22:
        jmp q_46
        times 60 nop
        jz q_58
        times 2 nop
        jle q_25
        times 127 nop
q_23:
        jnc q_79
        times 1 nop
q_24:
        jmp q_71
        times 125 nop
q_25:
        jg q_33
        times 128 nop
q_26:
        jmp q_22
        times 126 nop
q_27:
        jnc q_45
        times 126 nop
q_28:
        jmp q_25
        times 126 nop
        call q_70
        times 127 nop
q_29:
        jnc q_23
        times 127 nop
        jg q_1
        times 130 nop
        call q_78
        times 128 nop
q_30:
        jz q_41
        times 125 nop
        jg q_49
        times 126 nop
q_31:
        jz q_79
        times 124 nop
        jg q_10
        times 127 nop
        jmp q_12
        times 127 nop
q_32:
        jmp q_32
        times 0 nop
        jle q_7
        times 30 nop
        jz q_12
        times 2 nop
q_33:
        jmp q_17
        times 127 nop
        jle q_69
        times 124 nop
        jmp q_40
        times 128 nop
q_34:
        jmp q_59
        times 120 nop
        call q_44
        times 30 nop
q_35:
        jmp q_47
        times 126 nop
q_36:
        jle q_6
        times 127 nop
q_37:
        call q_27
        times 1 nop
        call q_20
        times 126 nop
q_38:
        jmp q_44
        times 130 nop
        jnc q_10
        times 125 nop
        jle q_28
        times 126 nop
q_39:
        jle q_15
        times 120 nop
q_40:
        jz q_70
        times 124 nop
        jmp q_40
        times 2 nop
q_41:
        jle q_14
        times 130 nop
        jnc q_25
        times 30 nop
q_42:
        jmp q_48
        times 120 nop
        jz q_70
        times 124 nop
        jnc q_49
        times 60 nop
q_43:
        call q_61
        times 30 nop
        jz q_68
        times 125 nop
        jz q_51
        times 125 nop
q_44:
        jmp q_46
        times 60 nop
        jnc q_1
        times 127 nop
q_45:
        call q_3
        times 0 nop
        call q_74
        times 0 nop
        jmp q_35
        times 125 nop
q_46:
        jz q_20
        times 128 nop
        jg q_52
        times 1 nop
        jg q_55
        times 60 nop
q_47:
        call q_25
        times 30 nop
q_48:
        jle q_14
        times 130 nop
        jle q_32
        times 130 nop
q_49:
        jle q_3
        times 60 nop
        jz q_31
        times 1 nop
q_50:
        jle q_74
        times 128 nop
        jmp q_42
        times 126 nop
        jz q_13
        times 30 nop
q_51:
        jmp q_63
        times 127 nop
        jz q_47
        times 128 nop
        jg q_62
        times 130 nop
q_52:
        call q_56
        times 128 nop
q_53:
        jg q_33
        times 120 nop
q_54:
        jle q_12
        times 127 nop
        jle q_38
        times 124 nop
q_55:
        jg q_72
        times 126 nop
q_56:
        jnc q_33
        times 30 nop
q_57:
        jmp q_28
        times 124 nop
        jmp q_73
        times 130 nop
        jz q_63
        times 126 nop
q_58:
        jz q_54
        times 130 nop
        jg q_69
        times 130 nop
q_59:
        call q_75
        times 120 nop
        jmp q_78
        times 127 nop
        jg q_18
        times 2 nop
q_60:
        jle q_16
        times 120 nop
q_61:
        jnc q_27
        times 60 nop
        call q_42
        times 30 nop
        jg q_66
        times 1 nop
q_62:
        jz q_8
        times 127 nop
        call q_0
        times 100 nop
q_63:
        call q_76
        times 2 nop
q_64:
        jmp q_50
        times 60 nop
q_65:
        jnc q_53
        times 2 nop
q_66:
        jmp q_55
        times 130 nop
q_67:
        jz q_40
        times 130 nop
        jz q_56
        times 120 nop
q_68:
        jle q_77
        times 120 nop
        jg q_1
        times 126 nop
q_69:
        call q_54
        times 125 nop
        jle q_61
        times 130 nop
        jg q_74
        times 1 nop
q_70:
        jmp q_70
        times 2 nop
        jz q_68
        times 128 nop
q_71:
        call q_62
        times 1 nop
q_72:
        jmp q_61
        times 128 nop
        jmp q_66
        times 30 nop
q_73:
        jg q_57
        times 30 nop
        jmp q_70
        times 100 nop
        jnc q_36
        times 30 nop
q_74:
        jmp q_33
        times 60 nop
        call q_58
        times 130 nop
q_75:
        jle q_70
        times 2 nop
        jmp q_66
        times 120 nop
        jmp q_79
        times 30 nop
q_76:
        jz q_37
        times 2 nop
        jg q_24
        times 125 nop
q_77:
        call q_66
        times 30 nop
        jg q_77
        times 125 nop
q_78:
        jmp q_59
        times 1 nop
q_79:
        jmp q_30
        times 60 nop
