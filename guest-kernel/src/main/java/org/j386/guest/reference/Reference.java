package org.j386.guest.reference;

/**
 * A guest kernel's Java reference, as the live checker drives it: each begin record the guest
 * writes when nothing is expected names an operation, and the reference performs it with the
 * guest's arguments, writing its own records (nested operations included) to its sink. A
 * {@link MemoryManagerError} is where the guest, too, stops with an error; any other exception
 * means the record made no sense at this point.
 */
public interface Reference {
    void perform(Event begin);

    /**
     * Its structures now beside the guest's in {@code guest} (physical memory at the same
     * addresses): meaningful between two operations, when the two agreed on every record.
     */
    StateComparison compareState(PhysicalView guest);
}
