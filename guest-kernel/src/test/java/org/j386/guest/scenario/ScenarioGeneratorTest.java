package org.j386.guest.scenario;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.j386.guest.reference.Event;
import org.j386.guest.reference.MemoryManagerError;
import org.j386.guest.reference.Op;
import org.j386.guest.reference.VmPool;
import org.j386.guest.scenario.Scenario.Kind;
import org.j386.guest.scenario.Scenario.Operation;
import org.junit.jupiter.api.Test;

class ScenarioGeneratorTest {
    @Test
    void theSameSeedGivesTheSameScenarioBytes() {
        assertArrayEquals(ScenarioGenerator.generate(42, 200).toBytes(), ScenarioGenerator.generate(42, 200).toBytes());
        assertFalse(java.util.Arrays.equals(ScenarioGenerator.generate(42, 200).toBytes(),
                ScenarioGenerator.generate(43, 200).toBytes()));
    }

    @Test
    void theModuleStartsWithMagicCountAndPoolSizesThenFourDwordsPerOperation() {
        Scenario s = ScenarioGenerator.generate(5, 3);
        int count = s.operations().size();
        ByteBuffer b = ByteBuffer.wrap(s.toBytes()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(Scenario.MAGIC, b.getInt());
        assertEquals(count, b.getInt());
        for (int size : s.poolSizes()) {
            assertEquals(size, b.getInt());
            assertEquals(0, size % 4096, "pool sizes are whole pages");
        }
        Operation first = s.operations().get(0);
        assertEquals(first.kind().code, b.getInt());
        assertEquals(first.a(), b.getInt());
        assertEquals(20 + count * 16, b.capacity());
    }

    @Test
    void poolOperationsNameOnlyPoolsOfThePageTableLoadedAtThatPoint() {
        for (long seed = 1; seed <= 200; seed++) {
            int table = 0;
            for (Operation op : ScenarioGenerator.generate(seed, 200).operations()) {
                switch (op.kind()) {
                    case SWITCH -> table = op.a();
                    case ALLOC, RELEASE, RELEASE_AT, LEGIT ->
                            assertEquals(table, Scenario.POOL_TABLE[op.a()], "seed " + seed + ": " + op);
                    default -> { }
                }
            }
        }
    }

    @Test
    void scenariosExerciseEveryKindOfOperationAndBothOutcomesOfAFault() {
        Set<Kind> kinds = EnumSet.noneOf(Kind.class);
        List<Event> events = new ArrayList<>();
        for (long seed = 1; seed <= 20; seed++) {
            Scenario s = ScenarioGenerator.generate(seed, 200);
            s.operations().forEach(op -> kinds.add(op.kind()));
            try {
                ScenarioRunner.run(s, 32 << 20, events::add);
            } catch (MemoryManagerError e) {
                assertEquals(Kind.FREE_INSIDE, s.operations().get(s.operations().size() - 1).kind(), e.getMessage());
            }
        }
        assertEquals(EnumSet.allOf(Kind.class), kinds);
        assertTrue(events.stream().anyMatch(e -> e.op() == Op.PAGE_FAULT && e.end() && e.values()[0] == 0),
                "some touches are segmentation faults");
        assertTrue(events.stream().anyMatch(e -> e.op() == Op.PAGE_FAULT && e.end() && e.values()[0] != 0),
                "some touches map a page");
        assertTrue(events.stream().anyMatch(e -> e.op() == Op.VM_ALLOCATE && e.end() && e.values()[0] == 0),
                "some allocations run out of virtual memory");
        assertTrue(events.stream().anyMatch(e -> e.op() == Op.VM_RELEASE && e.end() && e.values()[0] > 1),
                "some releases free several pages");
        assertTrue(events.stream().anyMatch(e -> e.op() == Op.GET_FRAMES && e.end() && e.values()[0] == 0),
                "some scenarios squeeze the process pool until get_frames fails");
        long releases = events.stream().filter(e -> e.op() == Op.VM_RELEASE && e.end()).count();
        long freed = events.stream().filter(e -> e.op() == Op.VM_RELEASE && e.end() && e.values()[0] > 0).count();
        assertTrue(freed * 2 > releases, freed + " of " + releases + " releases freed a region: most release what was allocated");
    }

    @Test
    void aboutOneSeedInEightAllocatesOnePageAtATimePastTheRegionLimitOfAPoolLargeEnough() {
        int filled = 0;
        for (long seed = 1; seed <= 64; seed++) {
            Scenario s = ScenarioGenerator.generate(seed, 200);
            long oneByOne = s.operations().stream().filter(op -> op.kind() == Kind.ALLOC && op.a() == 0 && op.c() <= 4096).count();
            if (oneByOne > VmPool.MAX_REGIONS && s.poolSizes()[0] / 4096 > VmPool.MAX_REGIONS) {
                filled++;
            }
        }
        assertTrue(filled >= 4 && filled <= 16, filled + " of 64 seeds fill a pool");
    }
}
