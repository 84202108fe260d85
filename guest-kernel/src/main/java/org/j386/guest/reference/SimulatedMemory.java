package org.j386.guest.reference;

/**
 * Physical memory for the reference: 4 KiB frames, allocated on first write, that read as zero
 * until written; a two-level array indexed by frame number covers the whole 32-bit space.
 */
public final class SimulatedMemory implements PhysicalView {
    private final byte[][][] frames = new byte[1024][][];

    private byte[] frameOrNull(int physical) {
        byte[][] group = frames[physical >>> 22];
        return group == null ? null : group[physical >>> 12 & 0x3FF];
    }

    private byte[] frame(int physical) {
        byte[][] group = frames[physical >>> 22];
        if (group == null) {
            group = frames[physical >>> 22] = new byte[1024][];
        }
        byte[] f = group[physical >>> 12 & 0x3FF];
        if (f == null) {
            f = group[physical >>> 12 & 0x3FF] = new byte[4096];
        }
        return f;
    }

    @Override
    public int read8(int physical) {
        byte[] f = frameOrNull(physical);
        return f == null ? 0 : f[physical & 0xFFF] & 0xFF;
    }

    public void write8(int physical, int value) {
        frame(physical)[physical & 0xFFF] = (byte) value;
    }

    /** Little-endian dword; {@code physical} is dword-aligned in every use. */
    @Override
    public int read32(int physical) {
        byte[] f = frameOrNull(physical);
        if (f == null) {
            return 0;
        }
        int o = physical & 0xFFF;
        return f[o] & 0xFF | (f[o + 1] & 0xFF) << 8 | (f[o + 2] & 0xFF) << 16 | (f[o + 3] & 0xFF) << 24;
    }

    public void write32(int physical, int value) {
        byte[] f = frame(physical);
        int o = physical & 0xFFF;
        f[o] = (byte) value;
        f[o + 1] = (byte) (value >>> 8);
        f[o + 2] = (byte) (value >>> 16);
        f[o + 3] = (byte) (value >>> 24);
    }

    /** Sets every byte of frame {@code frameNo} to {@code value}. */
    public void fillFrame(int frameNo, int value) {
        java.util.Arrays.fill(frame(frameNo << 12), (byte) value);
    }

    /** Whether every byte from {@code physical} to the end of its frame is {@code value}. */
    public boolean filledToFrameEnd(int physical, int value) {
        byte[] f = frameOrNull(physical);
        for (int o = physical & 0xFFF; o < 4096; o++) {
            if ((f == null ? 0 : f[o]) != (byte) value) {
                return false;
            }
        }
        return true;
    }

    public void zeroFrame(int frameNo) {
        byte[][] group = frames[frameNo >>> 10];
        if (group != null) {
            group[frameNo & 0x3FF] = null;
        }
    }
}
