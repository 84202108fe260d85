package org.j386.emulator.cpu;

/** What the bytecode tier did during a run, for {@code --stats}. */
public final class JitStatistics {
    long blocksCompiled;
    long bytecodeBytes;
    long compileNanos;
    long invalidatedBySelfModification;
    long invalidatedByFlush;
    long evictions;
    long blockEntries;
    long compiledInstructions;
    long linksMade;
    long linksFollowed;
    long blocksRetraced;

    public long blocksCompiled() {
        return blocksCompiled;
    }

    /** Blocks compiled again with the targets their indirect transfers were seen to reach. */
    public long blocksRetraced() {
        return blocksRetraced;
    }

    /** Bytes of JVM bytecode generated, over the whole run. */
    public long bytecodeBytes() {
        return bytecodeBytes;
    }

    /** Host time spent translating, in nanoseconds. */
    public long compileNanos() {
        return compileNanos;
    }

    /** Pages whose compiled blocks were dropped because the guest wrote to them. */
    public long invalidatedBySelfModification() {
        return invalidatedBySelfModification;
    }

    /** Pages whose compiled blocks were dropped by a loader's or debugger's bulk write. */
    public long invalidatedByFlush() {
        return invalidatedByFlush;
    }

    /** Times the code cache reached its size limit and dropped every block. */
    public long evictions() {
        return evictions;
    }

    public long blockEntries() {
        return blockEntries;
    }

    /** Times a block's successor slot was filled with the block entered after it. */
    public long linksMade() {
        return linksMade;
    }

    /** Block entries that followed a successor slot instead of looking the block up. */
    public long linksFollowed() {
        return linksFollowed;
    }

    /** Instructions retired inside compiled blocks. */
    public long compiledInstructions() {
        return compiledInstructions;
    }
}
