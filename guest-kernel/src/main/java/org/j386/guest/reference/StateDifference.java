package org.j386.guest.reference;

/**
 * One field of a memory manager's structures whose value in guest memory is not the reference's:
 * {@code where} names the structure and the field ("page table 0x405 (PDE 1 of directory 0x404),
 * PTE 3").
 */
public record StateDifference(String where, long guest, long reference) {
    @Override
    public String toString() {
        return String.format("%-56s guest 0x%08x   reference 0x%08x", where, guest, reference);
    }
}
