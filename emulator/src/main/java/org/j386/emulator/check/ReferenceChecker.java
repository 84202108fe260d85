package org.j386.emulator.check;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.j386.guest.GuestKernel;
import org.j386.guest.reference.Event;
import org.j386.guest.reference.MemoryManager;
import org.j386.guest.reference.MemoryManagerError;
import org.j386.guest.reference.PoolSnapshot;
import org.j386.guest.reference.Reference;

/**
 * Runs a guest kernel's reference beside the guest: the reference of the bundled kernel whose
 * operation the guest's first record names (MP4's {@code MemoryManager} or Lab2's
 * {@code Lab2Kernel}). A guest begin record that arrives while nothing is expected starts an
 * operation: the reference performs it with the guest's arguments
 * and queues the records it writes (its own nested operations included); every guest record must
 * then equal the next queued one. The first difference is kept, and {@code onDivergence} runs
 * once (to stop the machine).
 */
public final class ReferenceChecker implements Consumer<Event> {
    /** The first difference: the guest's record, the reference's (null: it expected none). */
    public record Divergence(Event guest, Event reference, long instructions, String reason) {
        public Divergence(Event guest, Event reference, long instructions) {
            this(guest, reference, instructions, null);
        }

        public String describe() {
            return "the guest diverged from the reference after " + instructions + " instructions\n"
                    + "  guest:     " + guest + "\n"
                    + "  reference: " + (reason != null ? "(cannot follow this record: " + reason + ")"
                            : reference == null ? "(no record: the operation had ended)" : reference);
        }
    }

    private final Deque<Event> expected = new ArrayDeque<>();
    private Reference reference;
    private final LongSupplier instructions;
    private final Runnable onDivergence;
    private Divergence divergence;
    private long checked;

    public ReferenceChecker(LongSupplier instructions, Runnable onDivergence) {
        this.instructions = instructions;
        this.onDivergence = onDivergence;
    }

    @Override
    public void accept(Event guest) {
        if (divergence != null) {
            return;
        }
        if (expected.isEmpty() && !guest.end()) {
            if (reference == null) {
                reference = GuestKernel.of(guest.op()).newReference(expected::add);
            }
            try {
                reference.perform(guest);
            } catch (MemoryManagerError e) {
                // the reference stopped where the guest reports an error; its records so far stand
            } catch (RuntimeException e) {
                // A record the reference cannot act on at all (an operation out of order, on a pool
                // or table that does not exist): the guest's mistake, reported as where it diverged.
                divergence = new Divergence(guest, null, instructions.getAsLong(), e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()));
                onDivergence.run();
                return;
            }
        }
        Event want = expected.poll();
        if (!guest.equals(want)) {
            divergence = new Divergence(guest, want, instructions.getAsLong());
            onDivergence.run();
            return;
        }
        checked++;
    }

    public Divergence divergence() {
        return divergence;
    }

    /**
     * The MP4 reference's pools now: after the last operation the guest began (read-only); none
     * before the guest's first record; null when the guest's records are not the MP4 kernel's.
     */
    public PoolSnapshot pools() {
        if (reference == null) {
            return new MemoryManager(e -> { }).poolSnapshot();
        }
        return reference instanceof MemoryManager mm ? mm.poolSnapshot() : null;
    }

    /** The reference the guest's records chose, or null before its first record. */
    public Reference reference() {
        return reference;
    }

    /** True between two of the guest's operations while the two agree: the reference's pools are the guest's. */
    public boolean betweenOperations() {
        return divergence == null && expected.isEmpty();
    }

    /**
     * Why the reference's pools may rightly differ from the guest's now, or null when they should
     * agree: the guest is inside an operation the reference has already finished, or the two
     * diverged and the reference is no longer kept in step.
     */
    public String caveat() {
        if (divergence != null) {
            return "the guest diverged from the reference; the reference is no longer kept in step";
        }
        if (!expected.isEmpty()) {
            return "the guest is inside an operation the reference has already finished (" + expected.size()
                    + " record" + (expected.size() == 1 ? "" : "s") + " to come, next " + expected.peek() + ")";
        }
        return null;
    }

    /** Records that matched the reference. */
    public long checked() {
        return checked;
    }
}
