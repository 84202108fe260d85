package org.j386.emulator.memory;

import java.util.Arrays;
import java.util.BitSet;
import java.util.function.IntConsumer;

/**
 * Guest RAM, addressed physically. Addresses beyond the installed size read as all-ones and
 * ignore writes, as an empty bus does on a PC, except where a firmware ROM is mapped ({@link
 * #mapRom}): at the top of the 4 GiB space, and its last 128 KiB also just below 1 MiB.
 *
 * <p>Pages that hold decoded instructions are marked, so that a write to one of them tells the
 * decode cache (and later the JIT) to forget that page: self-modifying code keeps working.
 */
public final class PhysicalMemory {
    private final byte[] ram;
    private final int size;
    /**
     * Per 4 KiB frame, why a write to it must be heard: {@link #CODE} while decoded code from it is
     * cached, {@link #WATCHED} while an observer follows writes to it (a TLB audit, the debugger's
     * write history), {@link #TRACKED} until its first change since {@link #trackChanges} or
     * {@link #takeChangedFrames} (the debugger's snapshots). Zero, the common case, is all a
     * write pays. A write path of its own (a compiled fast path storing into {@link #array()})
     * must test the whole byte for zero, not the {@link #CODE} bit alone, and call {@link
     * #frameWritten} otherwise: then it honours every reason at once.
     */
    private final byte[] frameFlags;
    private static final byte CODE = 1, WATCHED = 2, ROM = 4, TRACKED = 8;
    /** Frames written since change tracking last started or was taken; see {@link #takeChangedFrames}. */
    private final BitSet changedFrames = new BitSet();
    /** The largest firmware image, and the part of it that also appears below 1 MiB. */
    public static final int ROM_MAX = 256 << 10, ROM_LOW_WINDOW = 128 << 10;
    /** The firmware image mapped at the top of the address space, or null. */
    private byte[] rom;
    /** Where {@link #rom} begins (4 GiB minus its size), and where its copy below 1 MiB begins. */
    private int romBase, romLowBase;
    /** Told of every write to a {@link #WATCHED} frame (the TLB audit, the debugger's write history). */
    private WriteListener[] frameWriteListeners = new WriteListener[0];
    /** Told of the first write to a marked frame: the decode cache and the compiled-code cache. */
    private IntConsumer[] codeWriteListeners = new IntConsumer[0];
    /**
     * Told when writes to frames come to need notice or cease to: the MMU then withdraws or gives
     * back the right of compiled code's inline stores to write there unheard (its cached entries).
     */
    private NoticeListener[] noticeListeners = new NoticeListener[0];

    /** See {@link #addNoticeListener}. */
    public interface NoticeListener {
        /** Some frames' flags may have gone from zero to not zero. */
        void noticeRaised();

        /** A write cleared the last flag of {@code frame}: writes to it need no notice now. */
        void noticeDropped(int frame);
    }
    /** Records every write while installed (--jit-check); null otherwise, which is all writes pay. */
    private WriteJournal journal;

    public PhysicalMemory(int sizeBytes) {
        if (sizeBytes <= 0 || (sizeBytes & 0xFFF) != 0) {
            throw new IllegalArgumentException("memory size must be a positive multiple of 4 KiB");
        }
        this.ram = new byte[sizeBytes + RamWords.PAST_END];
        this.size = sizeBytes;
        this.frameFlags = new byte[sizeBytes >>> 12];
    }

    public int size() {
        return size;
    }

    /**
     * For compiled code's inline accesses: RAM's size less one where it is a power of two (an index
     * into RAM masked with it is unchanged, and any index masked with it stays inside the array:
     * {@link RamWords#blockAccess}), else -1.
     */
    public int indexMask() {
        return Integer.bitCount(size) == 1 ? size - 1 : -1;
    }

    /**
     * Direct view for loaders and device models that copy blocks; never for CPU accesses. It holds
     * {@link RamWords#PAST_END} bytes past RAM's {@link #size}, which are not guest memory.
     */
    public byte[] array() {
        return ram;
    }

    /**
     * Per 4 KiB frame, zero when a write to it needs no notice: compiled code's inline stores
     * write the RAM array directly only then. Read it, never write it.
     */
    public byte[] frameFlags() {
        return frameFlags;
    }

    /** Whether a journal records every write (then no store may bypass these methods). */
    boolean journaling() {
        return journal != null;
    }

    public boolean contains(long address, long length) {
        return address >= 0 && length >= 0 && address + length <= size;
    }

    /**
     * Maps a firmware image as the PC's boot ROM: read-only at the top of the 4 GiB space, and its
     * last 128 KiB (all of it when smaller) also just below 1 MiB, where real-mode code at segment
     * F000 reads it. Writes to either copy are ignored.
     */
    public void mapRom(byte[] image) {
        if (image.length == 0 || image.length > ROM_MAX || (image.length & 0xFFF) != 0 || size < (1 << 20)) {
            throw new IllegalArgumentException("a ROM must be 4 KiB to 256 KiB in whole pages, with at least 1 MiB of RAM");
        }
        rom = image.clone();
        romBase = (int) ((1L << 32) - image.length);
        int low = Math.min(image.length, ROM_LOW_WINDOW);
        romLowBase = (1 << 20) - low;
        System.arraycopy(rom, rom.length - low, ram, romLowBase, low);
        for (int frame = romLowBase >>> 12; frame < (1 << 20) >>> 12; frame++) {
            frameFlags[frame] |= ROM;
        }
        noticeRaised();
    }

    /** Adds a listener told whenever writes to some frame come to need notice, or cease to. */
    public void addNoticeListener(NoticeListener listener) {
        noticeListeners = Arrays.copyOf(noticeListeners, noticeListeners.length + 1);
        noticeListeners[noticeListeners.length - 1] = listener;
    }

    private void noticeRaised() {
        for (NoticeListener listener : noticeListeners) {
            listener.noticeRaised();
        }
    }

    /** Whether a physical address holds RAM or ROM (rather than reading as an empty bus). */
    public boolean backed(long physical) {
        return physical >= 0 && (physical < size
                || rom != null && physical <= 0xFFFFFFFFL && physical >= (romBase & 0xFFFFFFFFL));
    }

    /** Reads past the end of RAM: the ROM where one is mapped there, an empty bus elsewhere. */
    private int readBeyondRam(int address) {
        if (rom != null && Integer.compareUnsigned(address, romBase) >= 0) {
            return rom[address - romBase] & 0xFF;
        }
        return 0xFF;
    }

    public int read8(int address) {
        if (Integer.compareUnsigned(address, size) >= 0) {
            return readBeyondRam(address);
        }
        return ram[address] & 0xFF;
    }

    public int read16(int address) {
        if (Integer.compareUnsigned(address, size - 1) >= 0) {
            return read8(address) | (read8(address + 1) << 8);
        }
        return RamWords.word(ram, address);
    }

    public int read32(int address) {
        if (Integer.compareUnsigned(address, size - 3) >= 0) {
            return read16(address) | (read16(address + 2) << 16);
        }
        return RamWords.dword(ram, address);
    }

    public void write8(int address, int value) {
        if (Integer.compareUnsigned(address, size) >= 0) {
            return;
        }
        if (journal != null) {
            journal.record(ram, address, 1);
        }
        ram[address] = (byte) value;
        if (frameFlags[address >>> 12] != 0) {
            frameWritten(address, 1);
        }
    }

    public void write16(int address, int value) {
        if (Integer.compareUnsigned(address, size - 1) >= 0 || (address & 0xFFF) == 0xFFF) {
            write8(address, value);
            write8(address + 1, value >>> 8);
            return;
        }
        if (journal != null) {
            journal.record(ram, address, 2);
        }
        RamWords.setWord(ram, address, value);
        if (frameFlags[address >>> 12] != 0) {
            frameWritten(address, 2);
        }
    }

    public void write32(int address, int value) {
        if (Integer.compareUnsigned(address, size - 3) >= 0 || (address & 0xFFF) > 0xFFC) {
            write16(address, value);
            write16(address + 2, value >>> 16);
            return;
        }
        if (journal != null) {
            journal.record(ram, address, 4);
        }
        RamWords.setDword(ram, address, value);
        if (frameFlags[address >>> 12] != 0) {
            frameWritten(address, 4);
        }
    }

    /**
     * Compares up to {@code count} elements of {@code bytes} (1, 2 or 4) with {@code value}, from
     * {@code address} upwards (or downwards when {@code down}), while each is equal to it (or, with
     * {@code whileEqual} false, while each differs): what REPE and REPNE SCAS read. Returns how many
     * elements were compared, the one that ended the scan included.
     */
    public int scan(int address, int count, int bytes, boolean down, int value, boolean whileEqual) {
        // The common case, a byte search upwards within RAM (a bitmap or a string), in a loop of its
        // own: eight bytes at a time while none of them ends the scan, then byte by byte.
        if (bytes == 1 && !down && contains(address & 0xFFFFFFFFL, count)) {
            byte b = (byte) value;
            long eightTimes = (value & 0xFFL) * 0x0101010101010101L;
            int last = address + count - 1;
            int i = address;
            if (whileEqual) {
                while (i + 8 <= last && RamWords.qword(ram, i) == eightTimes) {
                    i += 8;
                }
                while (i < last && ram[i] == b) {
                    i++;
                }
            } else {
                while (i + 8 <= last && !hasZeroByte(RamWords.qword(ram, i) ^ eightTimes)) {
                    i += 8;
                }
                while (i < last && ram[i] != b) {
                    i++;
                }
            }
            return i - address + 1;
        }
        // So is a dword search upwards (a page checked against a pattern), and a word one.
        if (bytes != 1 && !down && contains(address & 0xFFFFFFFFL, (long) count * bytes)) {
            int last = address + (count - 1) * bytes;
            int i = address;
            if (bytes == 4) {
                if (whileEqual) {
                    // Memory checked against a fill pattern: compared with a run of the pattern as
                    // the JDK compares arrays, many bytes an instruction, up to the dword that differs.
                    byte[] run = patternRun(value);
                    while (i < last) {
                        int n = Math.min(run.length, last - i);
                        int differs = Arrays.mismatch(ram, i, i + n, run, 0, n);
                        if (differs >= 0) {
                            i += differs & -4;
                            break;
                        }
                        i += n;
                    }
                } else {
                    // Two dwords at a time while neither is the one sought, then one by one.
                    long twice = (value & 0xFFFFFFFFL) * 0x0000000100000001L;
                    while (i + 8 <= last && !hasZeroDword(RamWords.qword(ram, i) ^ twice)) {
                        i += 8;
                    }
                }
                while (i < last && (RamWords.dword(ram, i) == value) == whileEqual) {
                    i += 4;
                }
            } else {
                while (i < last && (RamWords.word(ram, i) == value) == whileEqual) {
                    i += 2;
                }
            }
            return (i - address) / bytes + 1;
        }
        int step = down ? -bytes : bytes;
        int done = 0;
        int v;
        do {
            v = read(address + done * step, bytes);
            done++;
        } while (done < count && (v == value) == whileEqual);
        return done;
    }

    /** A page's worth of one dword pattern, for {@link #scan}: kept while the pattern is the same. */
    private byte[] patternRun;
    private int patternRunValue;

    private byte[] patternRun(int value) {
        if (patternRun == null || patternRunValue != value) {
            patternRun = new byte[4096];
            patternRunValue = value;
            writePattern(patternRun, 0, patternRun.length, 4, value);
        }
        return patternRun;
    }

    /** Whether one of the two dwords of {@code x} is zero. */
    private static boolean hasZeroDword(long x) {
        return (int) x == 0 || (int) (x >>> 32) == 0;
    }

    /** Whether one of the eight bytes of {@code x} is zero (a borrow reaches the top of that byte alone). */
    private static boolean hasZeroByte(long x) {
        return ((x - 0x0101010101010101L) & ~x & 0x8080808080808080L) != 0;
    }

    /** Bytes of a fill's pattern written element by element before the rest is copied from them. */
    private static final int PATTERN_SEED = 64;

    /**
     * Writes {@code count} elements of {@code bytes} (1, 2 or 4), each {@code value}, from {@code
     * address} upwards: what as many writes would do, code frames and journal included.
     */
    public void fill(int address, int count, int bytes, int value) {
        int span = count * bytes;
        if (journal != null || !contains(address & 0xFFFFFFFFL, span)) {
            for (int i = 0; i < count; i++) {
                write(address + i * bytes, bytes, value);
            }
            return;
        }
        if (bytes == 1 || value == 0 || value == -1 && bytes == 4) {
            Arrays.fill(ram, address, address + span, (byte) value);
        } else {
            writePattern(ram, address, span, bytes, value);
        }
        writtenIn(address, span);
    }

    /**
     * Writes {@code span} bytes of {@code array} from {@code from} with elements of {@code bytes}
     * (2 or 4), each {@code value}: the first ones one by one, then copied after themselves, twice
     * as much each time, as memmove copies fastest.
     */
    private static void writePattern(byte[] array, int from, int span, int bytes, int value) {
        int written = Math.min(span, PATTERN_SEED);
        for (int i = 0; i < written; i += bytes) {
            if (bytes == 4) {
                RamWords.setDword(array, from + i, value);
            } else {
                RamWords.setWord(array, from + i, value);
            }
        }
        while (written < span) {
            int n = Math.min(written, span - written);
            System.arraycopy(array, from, array, from + written, n);
            written += n;
        }
    }

    /**
     * Copies {@code count} elements of {@code bytes} from {@code from} to {@code to}, upwards or
     * (when {@code down}) downwards from the given first elements, one element after the other as
     * a string move does: where the two ranges overlap, an element reads what an earlier one wrote.
     */
    public void copy(int from, int to, int count, int bytes, boolean down) {
        int span = count * bytes;
        int lowFrom = down ? from - span + bytes : from;
        int lowTo = down ? to - span + bytes : to;
        boolean overlap = lowFrom < lowTo + span && lowTo < lowFrom + span;
        if (journal != null || overlap || !contains(lowFrom & 0xFFFFFFFFL, span) || !contains(lowTo & 0xFFFFFFFFL, span)) {
            int step = down ? -bytes : bytes;
            for (int i = 0; i < count; i++) {
                write(to + i * step, bytes, read(from + i * step, bytes));
            }
            return;
        }
        System.arraycopy(ram, lowFrom, ram, lowTo, span);
        writtenIn(lowTo, span);
    }

    /** A read of {@code bytes} (1, 2 or 4). */
    public int read(int address, int bytes) {
        return bytes == 4 ? read32(address) : bytes == 2 ? read16(address) : read8(address);
    }

    private void write(int address, int bytes, int value) {
        if (bytes == 4) {
            write32(address, value);
        } else if (bytes == 2) {
            write16(address, value);
        } else {
            write8(address, value);
        }
    }

    private void writtenIn(int address, int span) {
        for (int frame = address >>> 12; frame <= (address + span - 1) >>> 12; frame++) {
            if (frameFlags[frame] != 0) {
                int from = Math.max(address, frame << 12);
                frameWritten(from, Math.min(address + span, (frame + 1) << 12) - from);
            }
        }
    }

    /**
     * Installs (or with null removes) a journal that records each CPU write and the bytes it
     * overwrites. Writes through {@link #array()} are not recorded.
     */
    public void setWriteJournal(WriteJournal journal) {
        this.journal = journal;
    }

    /** Marks a frame as holding cached decoded code; a later write to it calls the listener once. */
    public void markCodeFrame(int frame) {
        raiseFlag(frame, CODE);
    }

    /** Sets {@code flag} on a frame of RAM; the first flag a frame gets makes its writes need notice. */
    private void raiseFlag(int frame, byte flag) {
        if (frame >= 0 && frame < frameFlags.length) {
            byte was = frameFlags[frame];
            frameFlags[frame] |= flag;
            if (was == 0) {
                noticeRaised();
            }
        }
    }

    /** Adds a listener for the first write to a frame marked by {@link #markCodeFrame}. */
    public void addCodeWriteListener(IntConsumer listener) {
        codeWriteListeners = Arrays.copyOf(codeWriteListeners, codeWriteListeners.length + 1);
        codeWriteListeners[codeWriteListeners.length - 1] = listener;
    }

    /** Whether a frame is marked as holding cached code. */
    public boolean isCodeFrame(int frame) {
        return frame >= 0 && frame < frameFlags.length && (frameFlags[frame] & CODE) != 0;
    }

    /** Told of CPU writes ({@code length} bytes at {@code address}, already written) to frames marked by {@link #watchFrameWrites}. */
    public interface WriteListener {
        void written(int address, int length);
    }

    /**
     * Adds a listener for writes to watched frames. Each hears the writes to every frame any of them
     * watches, and picks out its own addresses.
     */
    public void addFrameWriteListener(WriteListener listener) {
        frameWriteListeners = Arrays.copyOf(frameWriteListeners, frameWriteListeners.length + 1);
        frameWriteListeners[frameWriteListeners.length - 1] = listener;
    }

    /** Marks a frame whose every later write the frame write listeners hear. */
    public void watchFrameWrites(int frame) {
        raiseFlag(frame, WATCHED);
    }

    private void frameWritten(int address, int length) {
        int frame = address >>> 12;
        int flags = frameFlags[frame];
        if ((flags & ROM) != 0) {
            // The store has already landed in the RAM beneath the ROM's copy: taking it back keeps
            // every write path's fast case free of a test for read-only memory.
            int from = Math.max(address, romLowBase);
            int end = Math.min(address + length, 1 << 20);
            if (from < end) {
                System.arraycopy(rom, rom.length - ((1 << 20) - from), ram, from, end - from);
            }
        }
        if ((flags & WATCHED) != 0) {
            for (WriteListener listener : frameWriteListeners) {
                listener.written(address, length);
            }
        }
        if ((flags & TRACKED) != 0) {
            // Only the first write after a snapshot is noted: the flag goes, and with it the cost.
            frameFlags[frame] = (byte) (frameFlags[frame] & ~TRACKED);
            changedFrames.set(frame);
        }
        if ((flags & CODE) != 0) {
            frameFlags[frame] = (byte) (frameFlags[frame] & ~CODE);
            for (IntConsumer listener : codeWriteListeners) {
                listener.accept(frame);
            }
        }
        if (frameFlags[frame] == 0) {
            for (NoticeListener listener : noticeListeners) {
                listener.noticeDropped(frame);
            }
        }
    }

    // ---- change tracking, for snapshots of the whole machine ----

    /** The number of 4 KiB frames of RAM. */
    public int frameCount() {
        return frameFlags.length;
    }

    /** Starts noting which frames are written from now on (every frame counts as unchanged). */
    public void trackChanges() {
        for (int frame = 0; frame < frameFlags.length; frame++) {
            frameFlags[frame] |= TRACKED;
        }
        changedFrames.clear();
        noticeRaised();
    }

    /**
     * The frames written since tracking started or since the last call, in increasing order; from
     * now on they count as unchanged again.
     */
    public int[] takeChangedFrames() {
        int[] frames = changedFrames.stream().toArray();
        for (int frame : frames) {
            frameFlags[frame] |= TRACKED;
        }
        changedFrames.clear();
        if (frames.length > 0) {
            noticeRaised();
        }
        return frames;
    }

    /** Whether all 4 KiB of a frame are zero. */
    public boolean frameIsZero(int frame) {
        for (int i = frame << 12; i < (frame + 1) << 12; i++) {
            if (ram[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** A copy of one frame's 4 KiB, or null when all of them are zero (which need not be kept). */
    public byte[] frameCopy(int frame) {
        return frameIsZero(frame) ? null : Arrays.copyOfRange(ram, frame << 12, (frame + 1) << 12);
    }

    /**
     * Puts back one frame's contents as a snapshot kept them (null: all zero), not as a CPU write:
     * nobody is told, so whoever caches code must be flushed by the caller.
     */
    public void restoreFrame(int frame, byte[] contents) {
        if (contents == null) {
            Arrays.fill(ram, frame << 12, (frame + 1) << 12, (byte) 0);
        } else {
            System.arraycopy(contents, 0, ram, frame << 12, 4096);
        }
    }

    /**
     * Takes the contents of {@code other}, a memory of the same size, as they are: not as CPU
     * writes, so nobody is told (whoever caches code or watches frames starts again from here).
     * Which frames {@code other} has seen written since its snapshot comes along: this memory now
     * differs from that snapshot in the same frames.
     */
    public void copyContentsFrom(PhysicalMemory other) {
        System.arraycopy(other.ram, 0, ram, 0, size);
        for (int frame = 0; frame < frameFlags.length; frame++) {
            frameFlags[frame] = (byte) ((frameFlags[frame] & ~TRACKED) | (other.frameFlags[frame] & TRACKED));
        }
        changedFrames.clear();
        changedFrames.or(other.changedFrames);
        noticeRaised();
    }
}
