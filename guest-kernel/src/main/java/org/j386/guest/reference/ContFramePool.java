package org.j386.guest.reference;

/**
 * A contiguous frame pool. Its state is one byte per frame (free, head of an allocated sequence,
 * used inside a sequence, inaccessible), kept in info frames: the pool's own first frames when constructed with info frame 0,
 * or frames handed in by the caller (the process pool's come from the kernel pool, because the
 * process pool is not mapped one to one once paging is on).
 */
public final class ContFramePool {
    public static final int FREE = 0, USED = 1, HEAD = 2, INACCESSIBLE = 3;
    public static final int FRAMES_PER_INFO_FRAME = 4096;

    private final MemoryManager mm;
    final int baseFrame;
    final int frameCount;
    final int infoFrame;
    ContFramePool next;

    ContFramePool(MemoryManager mm, int baseFrame, int frameCount, int infoFrameNo) {
        this.mm = mm;
        mm.emit(Event.begin(Op.POOL_INIT, baseFrame, frameCount, infoFrameNo));
        this.baseFrame = baseFrame;
        this.frameCount = frameCount;
        this.infoFrame = infoFrameNo == 0 ? baseFrame : infoFrameNo;
        for (int i = 0; i < frameCount; i++) {
            setState(i, FREE);
        }
        if (infoFrameNo == 0) {
            int n = neededInfoFrames(frameCount);
            setState(0, HEAD);
            for (int i = 1; i < n; i++) {
                setState(i, USED);
            }
        }
        mm.addPool(this);
        mm.emit(Event.end(Op.POOL_INIT, infoFrame));
    }

    /** Info frames a pool of {@code frames} frames needs: one byte of state per frame. */
    public static int neededInfoFrames(int frames) {
        return (frames + FRAMES_PER_INFO_FRAME - 1) / FRAMES_PER_INFO_FRAME;
    }

    public int baseFrame() {
        return baseFrame;
    }

    public int frameCount() {
        return frameCount;
    }

    public int state(int frameNo) {
        return mm.memory().read8(infoFrame * 4096 + frameNo - baseFrame);
    }

    private void setState(int index, int state) {
        mm.memory().write8(infoFrame * 4096 + index, state);
    }

    private int stateAt(int index) {
        return mm.memory().read8(infoFrame * 4096 + index);
    }

    /** First fit: the first frame of the lowest run of {@code n} free frames, or 0 if none. */
    public int getFrames(int n) {
        mm.emit(Event.begin(Op.GET_FRAMES, baseFrame, n));
        int result = 0;
        int run = 0;
        for (int i = 0; i < frameCount && n > 0; i++) {
            run = stateAt(i) == FREE ? run + 1 : 0;
            if (run == n) {
                int first = i - n + 1;
                setState(first, HEAD);
                for (int j = first + 1; j <= i; j++) {
                    setState(j, USED);
                }
                result = baseFrame + first;
                break;
            }
        }
        mm.emit(Event.end(Op.GET_FRAMES, result));
        return result;
    }

    /**
     * Marks frames as inaccessible: never handed out, and distinct from the used frames of a
     * sequence so that releasing a sequence that ends just before them does not free them.
     */
    public void markInaccessible(int firstFrame, int n) {
        mm.emit(Event.begin(Op.MARK_INACCESSIBLE, baseFrame, firstFrame, n));
        for (int i = 0; i < n; i++) {
            setState(firstFrame - baseFrame + i, INACCESSIBLE);
        }
        mm.emit(Event.end(Op.MARK_INACCESSIBLE));
    }

    boolean owns(int frameNo) {
        return Integer.compareUnsigned(frameNo - baseFrame, frameCount) < 0;
    }

    /** Frees the sequence headed by {@code firstFrame}; returns how many frames it held. */
    int releaseSequence(int firstFrame) {
        int i = firstFrame - baseFrame;
        if (stateAt(i) != HEAD) {
            throw new MemoryManagerError("release_frames: frame 0x" + Integer.toHexString(firstFrame)
                    + " does not start an allocated sequence");
        }
        int freed = 0;
        do {
            setState(i++, FREE);
            freed++;
        } while (i < frameCount && stateAt(i) == USED);
        return freed;
    }
}
