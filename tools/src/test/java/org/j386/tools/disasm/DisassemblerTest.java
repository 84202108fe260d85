package org.j386.tools.disasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.j386.tools.image.Symbol;
import org.j386.tools.image.SymbolTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DisassemblerTest {
    private final Disassembler dis = Disassembler.standard();

    private static byte[] hex(String h) {
        return HexFormat.of().parseHex(h.replace(" ", ""));
    }

    /** One instruction of ndisasm's output: address, bytes (continuation lines joined), text. */
    record NdLine(long address, String bytes, String text) {
    }

    static List<NdLine> ndisasm(String name) throws IOException, URISyntaxException {
        Path p = Path.of(DisassemblerTest.class.getResource("/disasm/" + name).toURI());
        List<NdLine> out = new ArrayList<>();
        Pattern line = Pattern.compile("([0-9A-F]{8})  (\\S+)\\s+(.*)");
        Pattern more = Pattern.compile("\\s+-(\\S+)");
        for (String l : Files.readAllLines(p)) {
            Matcher m = line.matcher(l);
            if (m.matches()) {
                long address = Long.parseLong(m.group(1), 16);
                String bytes = m.group(2);
                String text = m.group(3);
                // ndisasm prints WAIT as a prefix of what follows; the processor runs it on its own
                while (bytes.startsWith("9B") && bytes.length() > 2 && text.startsWith("wait ")) {
                    out.add(new NdLine(address++, "9B", "wait"));
                    bytes = bytes.substring(2);
                    if (!bytes.startsWith("9B")) {
                        text = text.substring("wait ".length());
                    }
                }
                out.add(new NdLine(address, bytes, text));
                continue;
            }
            Matcher c = more.matcher(l);
            if (c.matches()) {
                NdLine last = out.remove(out.size() - 1);
                out.add(new NdLine(last.address(), last.bytes() + c.group(1), last.text()));
            }
        }
        return out;
    }

    static byte[] corpusBinary(int bits) throws IOException, URISyntaxException {
        return Files.readAllBytes(Path.of(DisassemblerTest.class.getResource("/asm/corpus/forms" + bits + ".bin").toURI()));
    }

    @ParameterizedTest(name = "BITS {0}")
    @ValueSource(ints = {16, 32})
    void everyInstructionOfTheCorpusHasTheBoundariesAndBytesNdisasmFound(int bits) throws Exception {
        List<NdLine> want = ndisasm("forms" + bits + ".ndisasm");
        List<Instruction> got = Disassembler.disassemble(corpusBinary(bits), 0, bits);
        assertTrue(want.size() > 1500, "ndisasm lines: " + want.size());
        assertEquals(want.size(), got.size(), "instruction count");
        for (int i = 0; i < want.size(); i++) {
            assertEquals(want.get(i).address(), got.get(i).address(), "address of instruction " + i);
            assertEquals(want.get(i).bytes(), got.get(i).hexBytes(), "bytes at " + Long.toHexString(got.get(i).address()));
        }
    }

    /**
     * ndisasm and j386 differ only in how much they spell out: size keywords (ndisasm writes
     * {@code [dword 0x10]}, {@code shl eax,byte 0x4}, {@code jmp word [bx]}), o16/o32 words, the
     * d/w suffix of PUSHA/POPA/PUSHF/POPF/IRET, NOP versus XCHG EAX,EAX, and MOV DS,AX versus
     * MOV DS,EAX (the same bytes; j386 names the 16 bits a segment register takes). With those
     * removed from both sides every register, number and addressing mode must agree.
     */
    @ParameterizedTest(name = "BITS {0}")
    @ValueSource(ints = {16, 32})
    void everyInstructionOfTheCorpusReadsAsNdisasmReadsItUpToSizeKeywords(int bits) throws Exception {
        List<NdLine> want = ndisasm("forms" + bits + ".ndisasm");
        List<Instruction> got = Disassembler.disassemble(corpusBinary(bits), 0, bits);
        StringBuilder diffs = new StringBuilder();
        int same = 0;
        for (int i = 0; i < want.size(); i++) {
            String w = plain(want.get(i).text());
            String g = plain(got.get(i).text());
            if (w.equals(g)) {
                same++;
            } else if (diffs.length() < 3000) {
                diffs.append(got.get(i)).append("   ndisasm: ").append(want.get(i).text()).append('\n');
            }
        }
        assertEquals("", diffs.toString());
        assertEquals(want.size(), same);
    }

    private static String plain(String text) {
        String t = text.toLowerCase(Locale.ROOT)
            .replaceAll("\\b(byte|word|dword|o16|o32) ", "")
            .replaceAll("^(pusha|popa|pushf|popf|iret)[dw]?$", "$1")
            .replaceAll("^xchg (e?ax),\\1$", "nop")
            .replaceAll("^mov ([c-gs]s),e(\\w\\w)$", "mov $1,$2");
        return t;
    }

    @Test
    void decodesOneInstructionFromAByteSourceAtAnyAddress() {
        byte[] code = hex("8B 44 24 04");
        ByteSource memory = a -> a >= 0x100000 && a < 0x100004 ? code[(int) (a - 0x100000)] & 0xFF : -1;
        Instruction i = dis.decode(memory, 0x100000, 32);
        assertEquals(4, i.length());
        assertEquals("mov eax,[esp+0x4]", i.text());
        assertEquals("00100000  8B442404          mov eax,[esp+0x4]", i.toString());
        assertTrue(i.valid());
    }

    @Test
    void theSameBytesReadDifferentlyIn16BitCode() {
        byte[] code = hex("B8 01 00 00 00");
        assertEquals("mov eax,0x1", dis.decode(ByteSource.of(code, 0), 0, 32).text());
        Instruction i16 = dis.decode(ByteSource.of(code, 0), 0, 16);
        assertEquals("mov ax,0x1", i16.text());
        assertEquals(3, i16.length());
    }

    @Test
    void anUnreadableAddressGivesAnInstructionOfLengthZero() {
        Instruction i = dis.decode(a -> -1, 0x5000, 32);
        assertEquals(0, i.length());
        assertFalse(i.valid());
    }

    @Test
    void anInstructionCutShortByUnreadableBytesIsOneDbByte() {
        Instruction i = dis.decode(ByteSource.of(hex("B8 01 00"), 0x10), 0x10, 32);
        assertEquals(1, i.length());
        assertEquals("db 0xb8", i.text());
        assertFalse(i.valid());
    }

    @Test
    void aByteThatStartsNoKnownInstructionIsOneDbByte() {
        Instruction i = dis.decode(ByteSource.of(hex("F1 90"), 0), 0, 32);
        assertEquals("db 0xf1", i.text());
        assertEquals(1, i.length());
    }

    @Test
    void moreThanFifteenBytesOfPrefixesAreNoInstruction() {
        byte[] code = hex("66 66 66 66 66 66 66 66 66 66 66 66 66 66 66 90");
        Instruction i = dis.decode(ByteSource.of(code, 0), 0, 32);
        assertEquals("db 0x66", i.text());
    }

    @Test
    void branchTargetsAreComputedFromTheAddressAndNamedBySymbols() {
        // call 0x101040 at 0x101000; jmp short back to the call
        byte[] code = hex("E8 3B 00 00 00 EB F9");
        SymbolTable table = new SymbolTable(List.of(
            new Symbol("_start", 0x101000, 0, Symbol.STT_NOTYPE, Symbol.STB_GLOBAL, 1),
            new Symbol("kmain", 0x101040, 0, Symbol.STT_FUNC, Symbol.STB_GLOBAL, 1)));
        List<Instruction> got = dis.decodeAll(code, 0x101000, 32, SymbolLookup.of(table));
        assertEquals("call 0x101040 ; kmain", got.get(0).text());
        assertEquals(0x101040, got.get(0).target());
        assertEquals("jmp short 0x101000 ; _start", got.get(1).text());
        assertEquals(0x101000, got.get(1).target());
    }

    @Test
    void farJumpTargetsAreNamedByTheirOffset() {
        Instruction i = dis.decode(ByteSource.of(hex("EA 1F 00 10 00 08 00"), 0x100018), 0x100018, 32,
            a -> a == 0x10001F ? "_start.flush" : null);
        assertEquals("jmp 0x8:0x10001f ; _start.flush", i.text());
    }

    @Test
    void absoluteMemoryOperandsAreNamedBySymbolsWithAnOffset() {
        byte[] code = hex("A1 04 20 10 00 8B 0D 00 20 10 00");
        SymbolLookup names = a -> a >= 0x102000 && a < 0x102010 ? "ticks+0x" + Long.toHexString(a - 0x102000) : null;
        List<Instruction> got = dis.decodeAll(code, 0x100000, 32, names);
        assertEquals("mov eax,[0x102004] ; ticks+0x4", got.get(0).text());
        assertEquals("mov ecx,[0x102000] ; ticks+0x0", got.get(1).text());
        assertEquals(-1, got.get(0).target());
    }

    @Test
    void sixteenBitBranchTargetsWrapAt64KiBAsIpDoes() {
        Instruction i = dis.decode(ByteSource.of(hex("E9 00 80"), 0xFFF0), 0xFFF0, 16);
        assertEquals("jmp 0x7ff3", i.text());
        assertEquals(0x7FF3, i.target());
    }

    @Test
    void systemInstructionsAKernelUsesReadAsNasmWritesThem() {
        String[][] cases = {
            {"0F 01 15 00 10 10 00", "lgdt [0x101000]"},
            {"0F 22 D8", "mov cr3,eax"},
            {"0F 20 C0", "mov eax,cr0"},
            {"EA 00 00 10 00 08 00", "jmp 0x8:0x100000"},
            {"CF", "iretd"},
            {"E6 20", "out 0x20,al"},
            {"EC", "in al,dx"},
            {"F3 A5", "rep movsd"},
            {"0F 01 3B", "invlpg [ebx]"},
            {"0F 00 D8", "ltr ax"},
        };
        for (String[] c : cases) {
            assertEquals(c[1], dis.decode(ByteSource.of(hex(c[0]), 0), 0, 32).text(), c[0]);
        }
    }
}
