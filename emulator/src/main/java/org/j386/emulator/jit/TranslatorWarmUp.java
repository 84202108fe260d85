package org.j386.emulator.jit;

import java.util.concurrent.atomic.AtomicBoolean;
import org.j386.emulator.cpu.Cpu;
import org.j386.emulator.cpu.CpuState;
import org.j386.emulator.memory.Mmu;
import org.j386.emulator.memory.PhysicalMemory;
import org.j386.emulator.memory.PortBus;

/**
 * Translates and runs a small loop on a throwaway machine, on a thread of its own, while the
 * command line is still being parsed. The first blocks a run translates otherwise pay for loading
 * ASM's classes and for running the translator in the JVM's interpreter: a few milliseconds each,
 * about 100 ms of a short run's critical path. Nothing of the throwaway machine is kept; the
 * warm-up only leaves classes loaded and the translator's code compiled by the JVM.
 */
public final class TranslatorWarmUp {
    private TranslatorWarmUp() {
    }

    private static final AtomicBoolean STARTED = new AtomicBoolean();

    /** Starts the warm-up once per JVM; a daemon, so it never delays the end of a run. */
    public static void startOnce() {
        if (STARTED.compareAndSet(false, true)) {
            Thread t = new Thread(TranslatorWarmUp::run, "j386-translator-warm-up");
            t.setDaemon(true);
            t.start();
        }
    }

    private static final int CODE = 0x1000;

    /**
     * A loop calling four functions, with the forms compiled C uses most (loads and stores through
     * base, index and scale, the stack, CALL and RET, ALU, shifts by an immediate and by CL,
     * IMUL, SETcc, CMOVcc, MOVZX and MOVSX, XCHG with memory) and a few the translator hands to
     * the interpreter (PUSHF, CLD, POPF, DIV, BT):
     * <pre>
     * start:   mov esp, 0x8000; mov esi, 0x4000; mov edi, 0x5000; mov ecx, 100000
     * round:   push ecx; call f_copy; call f_sum; call f_mix; call f_flags; pop ecx; dec ecx; jnz round
     *          jmp start
     * f_copy:  xor edx, edx
     * .l:      movzx ebx, byte [esi+edx]; mov [edi+edx], bl; mov eax, [esi+edx*4]
     *          mov [edi+edx*4+64], eax; inc edx; cmp edx, 16; jb .l; ret
     * f_sum:   push ebp; mov ebp, esp; sub esp, 8; mov eax, [edi]; add eax, [edi+4]
     *          imul eax, eax, 33; mov [ebp-4], eax; lea ecx, [eax+eax*2+5]; sar ecx, 3; shl eax, cl
     *          shr eax, 7; mov [edi+8], ecx; xchg eax, [edi+12]; leave; ret
     * f_mix:   mov eax, [edi+12]; mov ecx, eax; and ecx, 31; rol eax, cl; xor eax, 0x9E3779B9
     *          neg eax; not eax; test eax, 1; setz bl; movsx edx, bl; cmp eax, edx; cmovl eax, edx
     *          sbb edx, edx; adc eax, edx; or [edi+16], eax; sub dword [edi+20], 3
     *          inc dword [edi+24]; ret
     * f_flags: pushf; cld; popf; mov eax, [edi+16]; xor edx, edx; mov ecx, 7; div ecx; bt eax, 3
     *          jc .odd; movsx eax, word [edi+2]; ret
     * .odd:    movzx eax, word [edi+2]; ret
     * </pre>
     */
    private static final String LOOP = "bc 00 80 00 00 be 00 40 00 00 bf 00 50 00 00 b9 a0 86 01 00 51 e8 15 00"
            + " 00 00 e8 27 00 00 00 e8 47 00 00 00 e8 74 00 00 00 59 49 75 e7 eb d1 31"
            + " d2 0f b6 1c 16 88 1c 17 8b 04 96 89 44 97 40 42 83 fa 10 72 ec c3 55 89"
            + " e5 83 ec 08 8b 07 03 47 04 6b c0 21 89 45 fc 8d 4c 40 05 c1 f9 03 d3 e0"
            + " c1 e8 07 89 4f 08 87 47 0c c9 c3 8b 47 0c 89 c1 83 e1 1f d3 c0 35 b9 79"
            + " 37 9e f7 d8 f7 d0 a9 01 00 00 00 0f 94 c3 0f be d3 39 d0 0f 4c c2 19 d2"
            + " 11 d0 09 47 10 83 6f 14 03 ff 47 18 c3 9c fc 9d 8b 47 10 31 d2 b9 07 00"
            + " 00 00 f7 f1 0f ba e0 03 72 05 0f bf 47 02 c3 0f b7 47 02 c3";

    /**
     * Instructions the loop runs. Its seven blocks fit the small code cache, so each is translated
     * once: the translator's per-instruction methods get compiled by the JVM, its per-block ones
     * stay in the JVM's interpreter. A cache that evicts, so that the blocks are translated again
     * 60 or 150 times, was measured: the warm-up thread then competes with the run's own first
     * translations for the two cores (a sort-only kernel's translation 44-48 ms instead of 37 ms,
     * the compiled-C bench kernel no sooner).
     */
    private static final long INSTRUCTIONS = 60_000;
    private static final long TINY_CODE_CACHE = 24 << 10;

    private static void run() {
        try {
            runLoop(INSTRUCTIONS, TINY_CODE_CACHE);
        } catch (RuntimeException | LinkageError e) {
            // Only a head start: the run itself translates (and reports) as it would have anyway.
        }
    }

    /** Runs {@link #LOOP} for {@code instructions} on a new flat ring-0 machine; returns its CPU. */
    static Cpu runLoop(long instructions, long codeCacheBytes) {
        PhysicalMemory ram = new PhysicalMemory(64 << 10);
        String[] bytes = LOOP.trim().split("\\s+");
        for (int i = 0; i < bytes.length; i++) {
            ram.write8(CODE + i, Integer.parseInt(bytes[i], 16));
        }
        Cpu cpu = new Cpu(new Mmu(ram), new PortBus());
        CpuState s = cpu.state;
        for (int i = 0; i < 6; i++) {
            s.segs[i].setFlat(i == CpuState.CS ? 0x08 : 0x10, i == CpuState.CS);
        }
        s.cr0 |= CpuState.CR0_PE;
        s.flags.set(2);
        s.eip = CODE;
        cpu.setBlockCompiler(new BlockTranslator(cpu.blockRuntime(), 0), codeCacheBytes);
        cpu.run(instructions);
        return cpu;
    }
}
