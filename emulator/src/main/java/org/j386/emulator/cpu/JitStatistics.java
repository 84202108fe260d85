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
    long linksCutAtCr3Loads;
    long linksCutAtInvlpg;
    long linksCutAtPagingChanges;
    long linksCutAtCsOrPrivilegeChanges;

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

    /**
     * Times the guest's CR3 loads (MOV CR3, a task switch) cut the chain links and the fetch
     * shortcut. These and the three counts below leave out changes that found nothing to cut.
     */
    public long linksCutAtCr3Loads() {
        return linksCutAtCr3Loads;
    }

    /** Times an INVLPG cut them: only one of a page some link or the shortcut was made through. */
    public long linksCutAtInvlpg() {
        return linksCutAtInvlpg;
    }

    /** Times a change of CR0.PG or WP, CR4.PSE or PGE, or the A20 gate cut them. */
    public long linksCutAtPagingChanges() {
        return linksCutAtPagingChanges;
    }

    /** Times a CS load that changed CS, or a change between user and supervisor privilege, cut them. */
    public long linksCutAtCsOrPrivilegeChanges() {
        return linksCutAtCsOrPrivilegeChanges;
    }

    /** Instructions retired inside compiled blocks. */
    public long compiledInstructions() {
        return compiledInstructions;
    }
}
