package org.j386.guest.scenario;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * The layout every bundled kernel's scenario module shares: a magic dword naming the kernel's
 * format, the operation count, the kernel's own header fields, then each operation's dwords.
 */
public final class ScenarioModule {
    private ScenarioModule() {
    }

    public static byte[] bytes(int magic, int[] fields, List<int[]> operations) {
        int words = operations.stream().mapToInt(op -> op.length).sum();
        ByteBuffer b = ByteBuffer.allocate(4 * (2 + fields.length + words)).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(magic).putInt(operations.size());
        for (int f : fields) {
            b.putInt(f);
        }
        for (int[] op : operations) {
            for (int w : op) {
                b.putInt(w);
            }
        }
        return b.array();
    }
}
