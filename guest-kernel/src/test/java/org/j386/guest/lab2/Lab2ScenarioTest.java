package org.j386.guest.lab2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.j386.guest.reference.Event;
import org.j386.guest.reference.Op;
import org.junit.jupiter.api.Test;

class Lab2ScenarioTest {
    static final int RAM_TOP = (32 << 20) - (128 << 10);

    @Test
    void theSameSeedGivesTheSameModule() {
        assertArrayEquals(Lab2Scenario.generate(9, 100).toBytes(), Lab2Scenario.generate(9, 100).toBytes());
    }

    @Test
    void theModuleStartsWithItsMagicCountAndPhystopLimit() {
        Lab2Scenario s = Lab2Scenario.generate(3, 7);
        byte[] b = s.toBytes();
        assertEquals(12 + 7 * 20, b.length);
        assertEquals('S', b[0]);
        assertEquals('2', b[3]);
        assertEquals(7, b[4]);
        assertTrue(s.phystopLimit() >= 5 << 18 && s.phystopLimit() < 7 << 18);
    }

    /** Mappings never overlap, so whatever runs out when, no scenario panics with remap. */
    @Test
    void noScenarioPanicsAndMemoryRunsOutInSome() {
        int failedMaps = 0;
        for (long seed = 1; seed <= 300; seed++) {
            List<Event> events = new ArrayList<>();
            Lab2ScenarioRunner.run(Lab2Scenario.generate(seed, Lab2Scenario.DEFAULT_LENGTH), RAM_TOP, events::add);
            failedMaps += (int) events.stream()
                    .filter(e -> e.op() == Op.MAP_REGION && e.end() && e.values()[0] == -1).count();
        }
        assertTrue(failedMaps > 30, "map_region failed only " + failedMaps + " times in 300 scenarios");
    }
}
