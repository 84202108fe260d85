package org.j386.emulator.check;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.j386.emulator.memory.PhysicalMemory;
import org.j386.guest.GuestKernel;
import org.j386.guest.reference.Event;
import org.j386.guest.reference.MemoryManager;
import org.j386.guest.reference.MemoryManagerError;
import org.j386.guest.reference.PhysicalView;
import org.j386.guest.reference.PoolSnapshot;
import org.j386.guest.reference.Reference;
import org.j386.guest.reference.StateComparison;
import org.j386.guest.reference.StateDifference;

/**
 * Runs a guest kernel's reference beside the guest: the reference of the bundled kernel whose
 * operation the guest's first record names (MP4's {@code MemoryManager} or Lab2's
 * {@code Lab2Kernel}). A guest begin record that arrives while nothing is expected starts an
 * operation: the reference performs it with the guest's arguments
 * and queues the records it writes (its own nested operations included); every guest record must
 * then equal the next queued one. With the guest's memory given ({@link #compareStateWith}), the
 * end of every operation also sets the guest's structures in memory beside the reference's, so a
 * bug that writes the wrong thing but reports the right one is caught where it happened. The
 * first difference is kept, and {@code onDivergence} runs once (to stop the machine).
 */
public final class ReferenceChecker implements Consumer<Event> {
    /** Records a divergence report shows before the one that differed. */
    public static final int RECENT = 10;

    /**
     * The first difference: the guest's record, the reference's (null: it expected none), or the
     * structures that differ after an operation whose records agreed ({@code state}); with the
     * operation it belongs to, the records before it and where the guest was ({@code where}).
     */
    public record Divergence(Event guest, Event reference, long instructions, String reason, Event operation,
            Event within, List<Event> recent, StateComparison state, String where) {
        public Divergence(Event guest, Event reference, long instructions) {
            this(guest, reference, instructions, null, null, null, List.of(), null, null);
        }

        /** Several lines: what differs, field by field, then the context to find it again. */
        public String describe() {
            StringBuilder b = new StringBuilder("the guest diverged from the reference after " + instructions
                    + " instructions\n");
            if (where != null) {
                b.append("  at:        ").append(where).append('\n');
            }
            if (operation != null) {
                b.append("  operation: ").append(operation).append(within == null ? "" : " (inside " + within + ")")
                        .append('\n');
            }
            if (state != null) {
                b.append("  its records agreed, but afterwards ").append(state.count()).append(" field")
                        .append(state.count() == 1 ? " differs" : "s differ").append(" in memory (guest | reference):\n");
                for (StateDifference d : state.differences()) {
                    b.append("    ").append(d).append('\n');
                }
                if (state.count() > state.differences().size()) {
                    b.append("    ... and ").append(state.count() - state.differences().size()).append(" more\n");
                }
            } else {
                b.append("  guest:     ").append(guest).append('\n');
                b.append("  reference: ").append(reason != null ? "(cannot follow this record: " + reason + ")"
                        : reference == null ? "(no record: the operation had ended)" : reference).append('\n');
            }
            if (!recent.isEmpty()) {
                b.append("  the last ").append(recent.size()).append(" records that agreed:\n");
                for (Event e : recent) {
                    b.append("    ").append(e).append('\n');
                }
            }
            return b.toString().stripTrailing();
        }
    }

    private final Deque<Event> expected = new ArrayDeque<>();
    private final Deque<Event> recent = new ArrayDeque<>();
    /** The guest's operations begun and not yet ended, outermost first. */
    private final Deque<Event> open = new ArrayDeque<>();
    /** The begin record of the last operation the guest began outside any other. */
    private Event lastOperation;
    private Reference reference;
    private final LongSupplier instructions;
    private final Runnable onDivergence;
    private PhysicalView guestMemory;
    private Supplier<String> where = () -> null;
    private Divergence divergence;
    private String referenceStopped;
    private long checked;
    private long received;

    public ReferenceChecker(LongSupplier instructions, Runnable onDivergence) {
        this.instructions = instructions;
        this.onDivergence = onDivergence;
    }

    /** Compares the structures in {@code guest} with the reference's after every operation. */
    public ReferenceChecker compareStateWith(PhysicalView guest) {
        this.guestMemory = guest;
        return this;
    }

    /**
     * Compares the structures in the guest's RAM (plain reads, which set no bit and fault nothing)
     * and the directory its CR3 names.
     */
    public ReferenceChecker compareStateWith(PhysicalMemory ram, IntSupplier cr3) {
        return compareStateWith(new PhysicalView() {
            @Override
            public long cr3() {
                return cr3.getAsInt() & 0xFFFFFFFFL;
            }

            @Override
            public int read8(int physical) {
                return ram.read8(physical);
            }

            @Override
            public int read32(int physical) {
                return ram.read32(physical);
            }
        });
    }

    /** Where a divergence report says the guest was (EIP, symbol, test), asked once at the divergence. */
    public ReferenceChecker locateWith(Supplier<String> where) {
        this.where = where;
        return this;
    }

    @Override
    public void accept(Event guest) {
        if (divergence != null) {
            return;
        }
        received++;
        if (expected.isEmpty() && !guest.end()) {
            if (reference == null) {
                reference = GuestKernel.of(guest.op()).newReference(expected::add);
            }
            referenceStopped = null;
            try {
                reference.perform(guest);
            } catch (MemoryManagerError e) {
                // the reference stopped where the guest reports an error; its records so far stand
                referenceStopped = e.getMessage();
            } catch (RuntimeException e) {
                // A record the reference cannot act on at all (an operation out of order, on a pool
                // or table that does not exist): the guest's mistake, reported as where it diverged.
                diverge(guest, null, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()),
                        null);
                return;
            }
        }
        Event want = expected.poll();
        if (!guest.equals(want)) {
            diverge(guest, want, null, null);
            return;
        }
        follow(guest);
        checked++;
        if (guest.end() && expected.isEmpty() && guestMemory != null && referenceStopped == null) {
            StateComparison state = reference.compareState(guestMemory);
            if (state.count() > 0) {
                diverge(guest, want, null, state);
            }
        }
    }

    /** Keeps the recent records and the operations under way, once a record has agreed. */
    private void follow(Event e) {
        if (recent.size() == RECENT) {
            recent.removeFirst();
        }
        recent.addLast(e);
        if (!e.end()) {
            if (open.isEmpty()) {
                lastOperation = e;
            }
            open.addLast(e);
        } else if (!open.isEmpty()) {
            open.removeLast();
        }
    }

    private void diverge(Event guest, Event want, String reason, StateComparison state) {
        Event operation = state != null ? lastOperation : open.isEmpty() ? (guest.end() ? null : guest) : open.peekLast();
        Event within = state == null && open.size() > 1 ? open.peekFirst() : null;
        divergence = new Divergence(guest, want, instructions.getAsLong(), reason, operation, within, List.copyOf(recent),
                state, where.get());
        onDivergence.run();
    }

    public Divergence divergence() {
        return divergence;
    }

    /**
     * What a run that ended now left unsaid, or null: no record at all (the kernel never used the
     * trace port, or it is not a bundled one), or an operation the guest began and never ended.
     */
    public String unfinished() {
        if (divergence != null) {
            return null;
        }
        if (received == 0) {
            return "the guest sent no records at all: is it a bundled guest kernel, writing its records to port 0x"
                    + Integer.toHexString(TracePort.PORT) + "?";
        }
        if (open.isEmpty()) {
            return null;
        }
        String operation = open.peekLast() + (open.size() > 1 ? " (inside " + open.peekFirst() + ")" : "");
        if (stoppedWithReference()) {
            return "the guest stopped inside " + operation + ", where the reference stopped too: " + referenceStopped;
        }
        return "the guest began " + operation + " and never ended it"
                + (expected.isEmpty() ? "" : "; the reference expected " + expected.peek() + " next");
    }

    /** Whether the guest stopped inside an operation that the reference, too, stopped in (a kernel error both report). */
    public boolean stoppedWithReference() {
        return divergence == null && !open.isEmpty() && referenceStopped != null;
    }

    /**
     * Whether the guest stopped inside an operation where the reference goes on (it has records to
     * come): a divergence when the guest ended the run itself, not when a limit cut it short.
     */
    public boolean endedMidOperation() {
        return divergence == null && !expected.isEmpty();
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

    /** Whether the structures were compared after each operation (the guest's memory was given). */
    public boolean stateCompared() {
        return guestMemory != null;
    }

    /** Records that matched the reference. */
    public long checked() {
        return checked;
    }
}
