package org.j386.emulator.debug;

import java.util.ArrayList;
import java.util.List;

import org.j386.guest.reference.PoolSnapshot;
import org.j386.guest.reference.PoolSnapshot.FramePool;
import org.j386.guest.reference.PoolSnapshot.Region;
import org.j386.guest.reference.PoolSnapshot.VmPool;

/**
 * The differences between the guest's pools and a reference's, one line each: which pool, which
 * field, the guest's value and the reference's. Pools are paired by position (frame pools in
 * creation order, VM pools in registration order); for a frame pool's states and a VM pool's
 * regions the first difference is named, with how many more there are.
 */
final class PoolComparison {
    private static final String[] STATES = {"free", "used", "head", "inaccessible"};

    private final List<String> differences = new ArrayList<>();

    private PoolComparison() {
    }

    static List<String> differences(PoolSnapshot guest, PoolSnapshot reference) {
        PoolComparison c = new PoolComparison();
        c.framePools(guest.framePools(), reference.framePools());
        c.field("current page table", "directory frame", hex5(guest.currentDirectoryFrame()),
                hex5(reference.currentDirectoryFrame()));
        c.vmPools(guest.vmPools(), reference.vmPools());
        return c.differences;
    }

    private void field(String pool, String field, Object guest, Object reference) {
        if (!guest.equals(reference)) {
            differences.add(pool + ": " + field + ": guest " + guest + ", reference " + reference);
        }
    }

    private void framePools(List<FramePool> guest, List<FramePool> reference) {
        field("frame pools", "count", guest.size(), reference.size());
        for (int i = 0; i < Math.min(guest.size(), reference.size()); i++) {
            FramePool g = guest.get(i), r = reference.get(i);
            String pool = "frame pool " + hex5(g.baseFrame());
            field(pool, "base frame", hex5(g.baseFrame()), hex5(r.baseFrame()));
            field(pool, "frame count", g.frameCount(), r.frameCount());
            field(pool, "info frame", hex5(g.infoFrame()), hex5(r.infoFrame()));
            int first = -1, differing = 0;
            for (int f = 0; f < Math.min(g.states().length, r.states().length); f++) {
                if (g.states()[f] != r.states()[f]) {
                    differing++;
                    first = first < 0 ? f : first;
                }
            }
            if (first >= 0) {
                differences.add(pool + ": state of frame " + hex5(g.baseFrame() + first) + ": guest "
                        + state(g.states()[first]) + ", reference " + state(r.states()[first])
                        + more(differing - 1, "frame"));
            }
        }
    }

    private void vmPools(List<VmPool> guest, List<VmPool> reference) {
        field("VM pools", "count", guest.size(), reference.size());
        for (int i = 0; i < Math.min(guest.size(), reference.size()); i++) {
            VmPool g = guest.get(i), r = reference.get(i);
            String pool = String.format("VM pool 0x%08x", g.base());
            field(pool, "base", String.format("0x%08x", g.base()), String.format("0x%08x", r.base()));
            field(pool, "size", g.size(), r.size());
            field(pool, "frame pool", hex5(g.framePoolBase()), hex5(r.framePoolBase()));
            field(pool, "region table page", mapped(g.tableMapped()), mapped(r.tableMapped()));
            field(pool, "regions", g.regionCount(), r.regionCount());
            field(pool, "allocated regions", g.allocatedCount(), r.allocatedCount());
            int first = -1, differing = 0;
            for (int k = 0; k < Math.max(g.regions().size(), r.regions().size()); k++) {
                if (!region(g.regions(), k).equals(region(r.regions(), k))) {
                    differing++;
                    first = first < 0 ? k : first;
                }
            }
            if (first >= 0) {
                differences.add(pool + ": region " + first + ": guest " + region(g.regions(), first) + ", reference "
                        + region(r.regions(), first) + more(differing - 1, "region"));
            }
        }
    }

    private static String region(List<Region> regions, int k) {
        if (k >= regions.size()) {
            return "(none)";
        }
        Region r = regions.get(k);
        return String.format("0x%08x %s %d page%s", r.start(), r.allocated() ? "allocated" : "free", r.pages(),
                r.pages() == 1 ? "" : "s");
    }

    private static String more(int n, String what) {
        return n == 0 ? "" : " (" + n + " more " + what + (n == 1 ? " differs)" : "s differ)");
    }

    private static String mapped(boolean mapped) {
        return mapped ? "mapped" : "not mapped";
    }

    private static String state(byte b) {
        return b >= 0 && b < STATES.length ? STATES[b] : "state " + (b & 0xFF);
    }

    private static String hex5(int frame) {
        return String.format("0x%05x", frame);
    }
}
