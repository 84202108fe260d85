package org.j386.emulator.memory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;
import java.nio.ByteOrder;

import sun.misc.Unsafe;

/**
 * Little-endian words, dwords and qwords of guest RAM, read and written in one host access each:
 * for compiled code's inline accesses and for {@link PhysicalMemory}. A VarHandle does the same but
 * brings some 200 bytes of its own code into every access the JVM inlines, which in a block of
 * many accesses exhausts what the JVM inlines into one method and makes each block several times
 * costlier to compile; until the JVM's optimising compiler has a caller, each access also runs
 * through the JDK's method-handle forms, in its interpreter and then as some eighty small
 * compilations of its quick compiler (a fifth of that compiler's work on the JDK's methods in the
 * guest kernel's page-table test); bytes assembled one by one compile small but run slower.
 *
 * <p>No index, however wrong, reaches outside the array: either it is checked against the array's
 * end here (a mistake elsewhere then ends in an exception, never in corrupt host memory), or, for a
 * compiled block's access to a power-of-two RAM ({@link #blockAccess}), it is masked into RAM, whose
 * array holds {@link #PAST_END} bytes more (a wrong index then lands somewhere in guest RAM). The host must
 * be little-endian, as the guest is; elsewhere {@link #AVAILABLE} is false and compiled code takes
 * the interpreter's path for every access.
 */
public final class RamWords {
    private static final Unsafe UNSAFE = unsafe();
    private static final long BASE = UNSAFE == null ? 0 : UNSAFE.arrayBaseOffset(byte[].class);

    /** Whether this host can use these methods. */
    public static final boolean AVAILABLE = UNSAFE != null && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN
            && UNSAFE.arrayIndexScale(byte[].class) == 1;

    private RamWords() {
    }

    private static Unsafe unsafe() {
        try {
            Field f = Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return (Unsafe) f.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    // Each access is kept within the 35 bytes of bytecode up to which the JVM's compilers inline a
    // method whatever its callers' profile, the check with it: the JVM's quick compiler inlines
    // nothing larger, and its optimising one, compiling a method before a call in it has run
    // often, left the check a call in each access (in the loop of PhysicalMemory#scan, one call per
    // eight bytes of a frame bitmap). The checked offset and the exception are methods of their own.

    public static int dword(byte[] ram, int i) {
        return AVAILABLE ? UNSAFE.getInt(ram, at(ram, i, 4)) : Portable.dword(ram, i);
    }

    public static int word(byte[] ram, int i) {
        return (AVAILABLE ? UNSAFE.getShort(ram, at(ram, i, 2)) : Portable.word(ram, i)) & 0xFFFF;
    }

    public static long qword(byte[] ram, int i) {
        return AVAILABLE ? UNSAFE.getLong(ram, at(ram, i, 8)) : Portable.qword(ram, i);
    }

    public static void setDword(byte[] ram, int i, int v) {
        if (AVAILABLE) {
            UNSAFE.putInt(ram, at(ram, i, 4), v);
        } else {
            Portable.setDword(ram, i, v);
        }
    }

    public static void setWord(byte[] ram, int i, int v) {
        if (AVAILABLE) {
            UNSAFE.putShort(ram, at(ram, i, 2), (short) v);
        } else {
            Portable.setWord(ram, i, v);
        }
    }

    /**
     * The same accesses on a host where {@link #AVAILABLE} is false: made only there. Each is
     * checked as the others are, so that a wrong index fails alike on every host.
     */
    private static final class Portable {
        static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
        static final VarHandle SHORT_LE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
        static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

        static int dword(byte[] ram, int i) {
            at(ram, i, 4);
            return (int) INT_LE.get(ram, i);
        }

        static short word(byte[] ram, int i) {
            at(ram, i, 2);
            return (short) SHORT_LE.get(ram, i);
        }

        static long qword(byte[] ram, int i) {
            at(ram, i, 8);
            return (long) LONG_LE.get(ram, i);
        }

        static void setDword(byte[] ram, int i, int v) {
            at(ram, i, 4);
            INT_LE.set(ram, i, v);
        }

        static void setWord(byte[] ram, int i, int v) {
            at(ram, i, 2);
            SHORT_LE.set(ram, i, (short) v);
        }
    }

    /**
     * Bytes a RAM array holds past the guest's RAM, never read or written as guest memory, so that
     * a word or dword at an index masked into the RAM's power-of-two size stays inside the array
     * ({@link #blockAccess}). A compiled block's inline index is a frame of RAM plus an offset that
     * the JVM's compiler knows only to be below 4096 (that the access stays in its page is a test
     * it does not reason from); with these bytes a dword at any such index is inside the array,
     * so the compiler needs no check of it. (When blocks still loaded through {@link #dword} and
     * stored unmasked, `bench_mem` took half as long again without them.)
     */
    public static final int PAST_END = 3;

    /**
     * For a compiled block's own accesses to {@code ram}, whose size is a power of two and
     * {@code mask} one less: the {@code sun.misc.Unsafe} through which the block reads and writes
     * words and dwords at {@link #ARRAY_BASE} + (index & mask). The mask keeps any index from 0 to
     * {@code mask}, and the check here keeps {@code mask} three bytes short of the array's end, so
     * no index reaches outside it; a valid index is unchanged by the mask, which the JVM's compiler
     * drops where the index's range is known. Called directly, the JVM's quick compiler (C1) runs
     * these accesses without a call: it inlines no method that needs as much stack as an Unsafe
     * access, so a helper here stayed a call in each block until C2 compiled it.
     */
    public static Object blockAccess(byte[] ram, int mask) {
        if (mask < 0 || mask > ram.length - 4) {
            throw new IllegalArgumentException("RAM mask " + Integer.toHexString(mask) + " for " + ram.length + " bytes");
        }
        return UNSAFE;
    }

    /** Where a byte array's elements start, for {@link #blockAccess}. */
    public static final long ARRAY_BASE = BASE;

    /** Where in {@code ram}'s object the {@code bytes} at index {@code i} are, once checked to be inside it. */
    private static long at(byte[] ram, int i, int bytes) {
        if (i < 0 || i > ram.length - bytes) {
            throw outside(i, bytes);
        }
        return BASE + i;
    }

    private static ArrayIndexOutOfBoundsException outside(int i, int bytes) {
        return new ArrayIndexOutOfBoundsException("RAM index " + Integer.toHexString(i) + " of " + bytes + " bytes");
    }
}
