package org.j386.emulator.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.j386.guest.lab2.Lab2Kernel;
import org.j386.guest.lab2.Lab2Scenario;
import org.j386.guest.lab2.Lab2ScenarioRunner;
import org.j386.guest.reference.ContFramePool;
import org.j386.guest.reference.Event;
import org.j386.guest.reference.MemoryManager;
import org.j386.guest.reference.Op;
import org.j386.guest.reference.PageTable;
import org.j386.guest.reference.PhysicalView;
import org.j386.guest.reference.SimulatedMemory;
import org.j386.guest.reference.VmPool;
import org.junit.jupiter.api.Test;

class ReferenceCheckerTest {
    private int stops;

    /** The records of a short run: boot, a page table, a pool, an allocation and a touch. */
    private static List<Event> run() {
        List<Event> events = new ArrayList<>();
        run(new MemoryManager(events::add));
        return events;
    }

    /** The short run on {@code mm}, which writes its records as they come. */
    private static void run(MemoryManager mm) {
        mm.bootPools(32 << 20);
        PageTable pt = mm.createPageTable();
        pt.load();
        mm.enablePaging();
        VmPool pool = mm.createVmPool(1 << 30, 1 << 20, mm.processPool(), pt);
        int a = pool.allocate(3 * 4096);
        mm.write32(a + 4096, 1);
        pool.release(a);
    }

    /**
     * A checker comparing state with a "guest" that is a second reference writing its records
     * straight into it, so that its memory is compared as it stands at each record.
     */
    private ReferenceChecker stateChecker(SimulatedMemory[] guestMemory) {
        return new ReferenceChecker(() -> 77, () -> stops++).compareStateWith(new PhysicalView() {
            @Override
            public int read8(int physical) {
                return guestMemory[0].read8(physical);
            }

            @Override
            public int read32(int physical) {
                return guestMemory[0].read32(physical);
            }
        });
    }

    @Test
    void structuresThatMatchTheReferencesAgreeAfterEveryOperationEvenWithAccessedAndDirtyBitsSet() {
        SimulatedMemory[] memory = new SimulatedMemory[1];
        ReferenceChecker checker = stateChecker(memory);
        int[] directory = new int[1];
        MemoryManager guest = new MemoryManager(e -> {
            if (e.op() == Op.PT_INIT && e.end()) {
                directory[0] = e.values()[0] << 12;
            }
            if (e.equals(Event.end(Op.PT_ENABLE))) {
                memory[0].write32(directory[0], memory[0].read32(directory[0]) | 0x60);
            }
            checker.accept(e);
        });
        memory[0] = guest.memory();
        run(guest);
        assertNull(checker.divergence());
        assertTrue(checker.stateCompared());
    }

    @Test
    void aStateByteTheRecordsDoNotShowIsCaughtWhenItsOperationEndsWithBothValues() {
        SimulatedMemory[] memory = new SimulatedMemory[1];
        ReferenceChecker checker = stateChecker(memory);
        MemoryManager guest = new MemoryManager(e -> {
            if (e.op() == Op.PT_LOAD && !e.end()) {
                memory[0].write8((2 << 20) + 0x30, ContFramePool.USED); // kernel pool's info frame, frame 0x230
            }
            checker.accept(e);
        });
        memory[0] = guest.memory();
        guest.bootPools(32 << 20).createPageTable().load();
        ReferenceChecker.Divergence d = checker.divergence();
        assertNotNull(d);
        assertEquals(1, stops);
        String text = d.describe();
        assertEquals(Op.PT_LOAD, d.operation().op(), text);
        assertTrue(text.contains("frame pool 0x200: state of frame 0x230"), text);
        assertTrue(text.contains("guest 0x00000001   reference 0x00000000"), text);
        assertTrue(text.contains("the last " + ReferenceChecker.RECENT + " records that agreed"), text);
    }

    @Test
    void aFreedPageWithoutItsJunkIsCaughtWhenTheLab2KfreeEnds() {
        SimulatedMemory[] memory = new SimulatedMemory[1];
        ReferenceChecker checker = stateChecker(memory);
        Lab2Kernel guest = new Lab2Kernel(e -> {
            if (e.equals(Event.end(Op.KFREE))) {
                memory[0].write8(0x120000 + 0x10, 0); // the page just freed
            }
            checker.accept(e);
        });
        memory[0] = guest.memory();
        guest.layout(Lab2Kernel.KERNBASE + 0x110000, Lab2Kernel.KERNBASE + 0x108000, 4 << 20);
        guest.kmem().kfree(Lab2Kernel.KERNBASE + 0x120000);
        assertNotNull(checker.divergence());
        String text = checker.divergence().describe();
        assertTrue(text.contains("free page 0 (0x80120000): junk at offset 0x10"), text);
    }

    @Test
    void aRunWithNoRecordsOrEndingInsideAnOperationIsReported() {
        ReferenceChecker silent = new ReferenceChecker(() -> 0, () -> stops++);
        assertTrue(silent.unfinished().contains("no records at all"), silent.unfinished());
        ReferenceChecker midway = new ReferenceChecker(() -> 0, () -> stops++);
        List<Event> events = run();
        events.subList(0, events.indexOf(Event.begin(Op.VM_ALLOCATE, 1 << 30, 3 * 4096)) + 1).forEach(midway);
        assertTrue(midway.endedMidOperation());
        assertTrue(midway.unfinished().contains("the guest began VM_ALLOCATE begin 0x40000000 0x3000 and never ended it"),
                midway.unfinished());
    }

    @Test
    void aStreamTheReferenceWouldWriteAgreesRecordByRecord() {
        assertTrue(agreesRecordByRecord(run()).reference() instanceof MemoryManager);
    }

    /** The checker after the whole stream, which must have agreed with every record. */
    private ReferenceChecker agreesRecordByRecord(List<Event> events) {
        ReferenceChecker checker = new ReferenceChecker(() -> 7, () -> stops++);
        events.forEach(checker);
        assertNull(checker.divergence());
        assertEquals(events.size(), checker.checked());
        assertEquals(0, stops);
        return checker;
    }

    @Test
    void betweenOperationsThePoolsAreTheReferencesAndNeedNoCaveatButInsideOneTheyDo() {
        List<Event> events = run();
        int allocate = events.indexOf(Event.begin(Op.VM_ALLOCATE, 1 << 30, 3 * 4096));
        ReferenceChecker checker = new ReferenceChecker(() -> 0, () -> stops++);
        events.subList(0, allocate).forEach(checker);
        assertNull(checker.caveat());
        assertEquals(0, checker.pools().vmPools().get(0).allocatedCount());
        checker.accept(events.get(allocate));
        String caveat = checker.caveat();
        assertNotNull(caveat);
        assertTrue(caveat.contains("inside an operation the reference has already finished"), caveat);
        assertEquals(1, checker.pools().vmPools().get(0).allocatedCount());
    }

    /** The records of a short Lab2 run: its boot steps and one scenario. */
    private static List<Event> lab2Run() {
        List<Event> events = new ArrayList<>();
        Lab2ScenarioRunner.run(Lab2Scenario.generate(5, 40), 32 << 20, events::add);
        return events;
    }

    @Test
    void aLab2KernelsRecordsAreCheckedAgainstTheLab2Reference() {
        ReferenceChecker checker = agreesRecordByRecord(lab2Run());
        assertTrue(checker.reference() instanceof Lab2Kernel);
        assertNull(checker.pools(), "the MP4 pools view has nothing to compare for a Lab2 kernel");
    }

    @Test
    void aKallocThatDisagreesWithTheLab2ReferenceStopsTheRun() {
        List<Event> events = lab2Run();
        int kalloc = events.indexOf(Event.begin(Op.KALLOC));
        ReferenceChecker checker = new ReferenceChecker(() -> 9, () -> stops++);
        events.subList(0, kalloc + 1).forEach(checker);
        checker.accept(Event.end(Op.KALLOC, 0x12345000));
        assertNotNull(checker.divergence());
        assertEquals(events.get(kalloc + 1), checker.divergence().reference());
        assertEquals(1, stops);
    }

    @Test
    void anMp4RecordFromALab2GuestIsWhereItDiverged() {
        ReferenceChecker checker = new ReferenceChecker(() -> 3, () -> stops++);
        lab2Run().subList(0, 2).forEach(checker);
        checker.accept(Event.begin(Op.PT_INIT));
        assertNotNull(checker.divergence());
        assertTrue(checker.divergence().describe().contains("not an operation of the Lab2 kernel"),
                checker.divergence().describe());
    }

    @Test
    void theFirstDifferingRecordStopsTheRunOnceAndIsReportedWithBothRecords() {
        List<Event> events = run();
        int i = events.indexOf(Event.begin(Op.VM_ALLOCATE, 1 << 30, 3 * 4096)) + 1;
        Event wrong = Event.end(Op.VM_ALLOCATE, (1 << 30) + 8192);
        Event right = events.get(i);
        events.set(i, wrong);
        ReferenceChecker checker = new ReferenceChecker(() -> 1234, () -> stops++);
        events.forEach(checker);
        assertNotNull(checker.divergence());
        assertEquals(wrong, checker.divergence().guest());
        assertEquals(right, checker.divergence().reference());
        assertEquals(1, stops);
        String text = checker.divergence().describe();
        assertTrue(text.contains("after 1234 instructions"), text);
        assertTrue(text.contains("VM_ALLOCATE end 0x40002000"), text);
        assertTrue(text.contains("VM_ALLOCATE end 0x40001000"), text);
    }

    @Test
    void anEndRecordWithNoOperationUnderWayIsADivergence() {
        ReferenceChecker checker = new ReferenceChecker(() -> 0, () -> stops++);
        checker.accept(Event.end(Op.GET_FRAMES, 5));
        assertNotNull(checker.divergence());
        assertNull(checker.divergence().reference());
    }

    @Test
    void theTracePortAssemblesRecordsFromDwordWrites() {
        List<Event> seen = new ArrayList<>();
        TracePort port = new TracePort(seen::add);
        Event e = Event.begin(Op.MARK_INACCESSIBLE, 0x400, 0xF00, 0x100);
        port.out(TracePort.PORT, 4, e.header());
        port.out(TracePort.PORT, 1, 0x55);             // byte writes are not part of the protocol
        for (int v : e.values()) {
            port.out(TracePort.PORT, 4, v);
        }
        port.out(TracePort.PORT, 4, Event.end(Op.PT_ENABLE).header());
        assertEquals(List.of(e, Event.end(Op.PT_ENABLE)), seen);
    }

    @Test
    void aRecordTheReferenceCannotFollowIsADivergenceNamingWhyNotACrash() {
        ReferenceChecker checker = new ReferenceChecker(() -> 99, () -> stops++);
        checker.accept(Event.begin(Op.FREE_PAGE, 0x1000)); // no page table exists yet
        assertNotNull(checker.divergence());
        assertEquals(1, stops);
        String text = checker.divergence().describe();
        assertTrue(text.contains("guest:     FREE_PAGE begin 0x1000"), text);
        assertTrue(text.contains("reference: (cannot follow this record: "), text);
    }
}
