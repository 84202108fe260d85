package org.j386.emulator.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.j386.guest.reference.Event;
import org.j386.guest.reference.Op;
import org.junit.jupiter.api.Test;

/** The trace port takes records from an untrusted guest: malformed ones are reported and dropped. */
class TracePortTest {
    private final List<Event> records = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final TracePort port = new TracePort(records::add, warnings::add);

    private void write(int... dwords) {
        for (int d : dwords) {
            port.out(TracePort.PORT, 4, d);
        }
    }

    private static int header(int op, boolean end, int count) {
        return op | (end ? 1 << 8 : 0) | count << 16;
    }

    @Test
    void aWellFormedRecordReachesTheListener() {
        write(header(Op.GET_FRAMES.code, false, 2), 0x200, 3);
        assertEquals(List.of(Event.begin(Op.GET_FRAMES, 0x200, 3)), records);
        assertEquals(List.of(), warnings);
    }

    @Test
    void anUnknownOperationCodeIsAProtocolErrorAndTheRecordIsIgnored() {
        write(header(0x77, false, 1), 5);
        write(header(Op.PT_ENABLE.code, false, 0));
        assertEquals(List.of(Event.begin(Op.PT_ENABLE)), records, "the next record is read normally");
        assertEquals(List.of("trace port 0x504: malformed record ignored (header 0x00010077): no operation has code 119"),
                warnings);
    }

    @Test
    void tooFewOrTooManyValuesForTheOperationAreProtocolErrors() {
        write(header(Op.VM_INIT.code, false, 2), 1, 2);
        write(header(Op.PAGE_FAULT.code, true, 3), 1, 2, 3);
        assertEquals(List.of(), records);
        assertEquals(List.of(
                "trace port 0x504: malformed record ignored (header 0x0002000b): VM_INIT begin carries 4 values, not 2",
                "trace port 0x504: malformed record ignored (header 0x00030108): PAGE_FAULT end carries 1 value, not 3"),
                warnings);
    }

    @Test
    void afterTenWarningsFurtherMalformedRecordsAreCountedSilently() {
        for (int i = 0; i < 1000; i++) {
            write(header(0xEE, false, 0));
        }
        assertEquals(TracePort.WARNINGS, warnings.size());
        assertTrue(warnings.get(TracePort.WARNINGS - 1).endsWith("; further malformed records are ignored silently"));
        assertEquals(1000, port.malformed());
    }

    @Test
    void everyRecordTheReferenceWritesIsWellFormed() {
        for (Op op : Op.values()) {
            assertEquals(null, TracePort.problem(Event.begin(op, new int[op.beginValues]).header()), op.toString());
            assertEquals(null, TracePort.problem(Event.end(op, new int[op.endValues]).header()), op.toString());
        }
    }
}
