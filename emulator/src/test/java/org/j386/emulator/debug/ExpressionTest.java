package org.j386.emulator.debug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.j386.emulator.cpu.CpuState;
import org.j386.tools.image.Symbol;
import org.j386.tools.image.SymbolTable;
import org.junit.jupiter.api.Test;

class ExpressionTest {
    private final CpuState state = new CpuState();
    private final SymbolTable symbols = new SymbolTable(List.of(
            new Symbol("kmain", 0x100100, 0x40, Symbol.STT_FUNC, Symbol.STB_GLOBAL, 1),
            new Symbol("ax_table", 0x200000, 4, Symbol.STT_OBJECT, Symbol.STB_GLOBAL, 2)));
    private final Expression.Context context = new Expression.Context() {
        @Override
        public CpuState state() {
            return state;
        }

        @Override
        public SymbolTable symbols() {
            return symbols;
        }

        @Override
        public Long readLinear32(long linear) {
            return linear == 0x1000 ? 0xCAFEL : null;
        }
    };

    private long eval(String text) throws DebugException {
        return Expression.parse(text, symbols).evaluate(context);
    }

    @Test
    void numbersAreHexWith0xAndDecimalOtherwise() throws DebugException {
        assertEquals(0x10, eval("0x10"));
        assertEquals(10, eval("10"));
    }

    @Test
    void arithmeticBindsAsInCAndComparisonsLooserThanBitOperators() throws DebugException {
        assertEquals(14, eval("2 + 3 * 4"));
        assertEquals(1, eval("1 + 1 == 2"));
        assertEquals(1, eval("3 & 1 == 1")); // unlike C, comparisons bind looser than bit operators
        assertEquals(0xFFFFF000L, eval("~0xfff"));
        assertEquals(1, eval("1 < 2 && 2 <= 2 || 0"));
        assertEquals(0x100, eval("1 << 8"));
        assertEquals(1, eval("!0"));
    }

    @Test
    void valuesAreUnsigned32Bit() throws DebugException {
        assertEquals(0xFFFFFFFFL, eval("0 - 1"));
        assertEquals(1, eval("0xffffffff > 1"));
    }

    @Test
    void registersBySubRegisterAndSymbolsByName() throws DebugException {
        state.regs[CpuState.EAX] = 0x12345678;
        state.eip = 0x100110;
        assertEquals(0x12345678L, eval("eax"));
        assertEquals(0x5678L, eval("ax"));
        assertEquals(0x56L, eval("ah"));
        assertEquals(0x78L, eval("$al"));
        assertEquals(0x10, eval("eip - kmain"));
        assertEquals(0x200000, eval("ax_table"));
    }

    @Test
    void bracketsReadADwordOfLinearMemory() throws DebugException {
        assertEquals(0xCAFE, eval("[0x800 * 2]"));
        assertThrows(DebugException.class, () -> eval("[0x2000]"));
    }

    @Test
    void errorsNameWhatIsWrong() {
        DebugException e = assertThrows(DebugException.class, () -> eval("kmian + 4"));
        assertEquals("no symbol 'kmian' in the kernel", e.getMessage());
        assertThrows(DebugException.class, () -> eval("(1 + 2"));
        assertThrows(DebugException.class, () -> eval("1 / 0"));
        assertThrows(DebugException.class, () -> eval("0x1ffffffff"));
        assertThrows(DebugException.class, () -> eval("1 2"));
    }

    private String refusal(String text) {
        return assertThrows(DebugException.class, () -> eval(text)).getMessage();
    }

    @Test
    void deeplyNestedParenthesesAreRefusedWithOneLineInsteadOfOverflowingTheStack() {
        String message = refusal("(".repeat(10_000) + "1" + ")".repeat(10_000));
        assertEquals("expression nested too deeply (more than 100 levels of parentheses, brackets or unary operators)",
                message);
        assertEquals(message, refusal("[".repeat(20_000) + "0x1000" + "]".repeat(20_000)));
        assertEquals(message, refusal("-".repeat(400_000) + "1"));
        assertEquals(message, refusal("~!".repeat(200_000) + "1"));
    }

    @Test
    void nestingUpToTheLimitStillEvaluates() throws DebugException {
        assertEquals(7, eval("(".repeat(Expression.MAX_NESTING) + "7" + ")".repeat(Expression.MAX_NESTING)));
        assertEquals(0xCAFE, eval("[" + "(".repeat(98) + "0x1000" + ")".repeat(98) + "]"));
        assertEquals(1, eval("-".repeat(100) + "1"));
    }

    @Test
    void aSumOfHundredsOfThousandsOfTermsIsRefusedAsTooLong() {
        assertEquals("expression too long (more than 1000 operators)", refusal("1" + "+1".repeat(200_000)));
        assertEquals("expression too long (more than 1000 operators)", refusal("1" + "&&1".repeat(5_000)));
    }

    @Test
    void errorMessagesQuoteAtMostTheStartOfALongExpression() {
        String message = refusal("1 +" + " 1".repeat(100_000));
        assertTrue(message.startsWith("unexpected '1 1 1 1") && message.endsWith("...'"), message);
        assertTrue(message.length() < 160, message);
        message = refusal("x".repeat(100_000));
        assertTrue(message.startsWith("no symbol 'xxxx") && message.length() < 120, message);
    }

    @Test
    void aThousandOperatorsStillEvaluate() throws DebugException {
        assertEquals(1001, eval("1" + "+1".repeat(Expression.MAX_OPERATORS)));
    }
}
