package org.j386.emulator.check;

import java.util.Optional;
import org.j386.emulator.machine.Machine;
import org.j386.tools.image.Symbol;

/**
 * Where the guest is, for a divergence report: EIP with its symbol, the instruction count, and for
 * the bundled kernels the test under way and the scenario step (their harness's current_test and
 * scn_step), read through the page tables without side effects.
 */
public final class GuestLocation {
    private GuestLocation() {
    }

    /** EIP with its symbol, the instruction count and the guest test under way (the harness's current_test). */
    public static String of(Machine machine) {
        int eip = machine.cpu().state.eip;
        String name = machine.symbols().nameFor(eip & 0xFFFFFFFFL);
        String test = currentTest(machine);
        long step = test != null && test.equals("scenario") ? guestDword(machine, "scn_step") : 0;
        return String.format("eip 0x%08x%s, instruction %d%s%s", eip, name == null ? "" : " <" + name + ">",
                machine.cpu().state.instructions, test == null ? "" : ", in test " + test,
                step > 0 ? ", step " + step + " of its module" : "");
    }

    /** The dword at a guest symbol's linear address, read without side effects; 0 when unknown. */
    private static long guestDword(Machine machine, String symbol) {
        var found = machine.kernel() == null ? Optional.<Symbol>empty()
                : machine.kernel().symbols().lookup(symbol);
        long at = found.isEmpty() ? -1 : machine.mmu().peek(found.get().value());
        return at < 0 ? 0 : machine.ram().read32((int) at) & 0xFFFFFFFFL;
    }

    /** The name of the bundled kernels' test under way (the harness's current_test), or null. */
    private static String currentTest(Machine machine) {
        int text = (int) guestDword(machine, "current_test");
        if (text == 0) {
            return null;
        }
        StringBuilder name = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            long at = machine.mmu().peek(text + i);
            int c = at < 0 ? 0 : machine.ram().read8((int) at);
            if (c < 0x20 || c > 0x7E) {
                break;
            }
            name.append((char) c);
        }
        return name.length() == 0 ? null : name.toString();
    }
}
