package org.j386.emulator.jit;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;
import org.j386.emulator.cpu.JitStatistics;
import org.j386.emulator.machine.Machine;
import org.j386.emulator.machine.MachineConfig;
import org.j386.emulator.machine.RunResult;
import org.junit.jupiter.api.Test;

/**
 * A run of ten billion instructions of ordinary compiled C (the bench kernel: sorting, hashing, a
 * bytecode interpreter, matrices, memcpy, calls through pointers; paging on, a 100 Hz timer)
 * through a code cache far too small for its hot code: the
 * cache fills and is emptied again and again, and every block is compiled anew after each
 * eviction. Whatever an eviction drops must become garbage the JVM collects, generated classes
 * included: after a full collection the heap, the loaded classes and the class metadata stay
 * where they were once the run had warmed up, however many blocks have been compiled since.
 * {@code -Dj386.longrun.instructions=N} runs longer (make jit-long-run).
 */
class LongRunFootprintTest {
    private static final long INSTRUCTIONS = Long.getLong("j386.longrun.instructions", 10_000_000_000L);
    private static final Path BENCH_C = Path.of("src/test/kernels/bench/bench_c.elf");
    /** Instructions in one round of the bench kernel's six parts (2.7e9 in its ten default rounds). */
    private static final long ROUND = 275_000_000L;
    private static final int SAMPLES = 16;
    /**
     * A quarter of the least --jit-cache takes: with 64 KiB the cache keeps churning for the first
     * billion instructions only, after which the blocks entered often enough to be compiled between
     * two evictions fit in it (each eviction starts every entry's count again).
     */
    private static final long TINY_CACHE = 16 << 10;

    /**
     * What may differ between two samples of a run that keeps nothing it drops: the blocks the
     * cache holds at that moment (at most its 16 KiB of bytecode, a dozen classes or so) and
     * their JVM metadata. A block kept after its eviction would add a class and its metadata per
     * block compiled: hundreds of each in the run's second half.
     */
    private static final long CLASS_SLACK = 100;
    private static final long METASPACE_SLACK = 2L << 20;
    private static final long HEAP_SLACK = 512L << 10;

    /** One look at the JVM after a full collection, and at the bytecode tier's counts then. */
    private record Footprint(long instructions, long heapBytes, long classes, long metaspaceBytes, long blocksCompiled,
            long evictions, long compiledInstructions) {
        static Footprint of(Machine machine) {
            System.gc();
            long metaspace = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getName().equals("Metaspace")) {
                    metaspace = pool.getUsage().getUsed();
                }
            }
            JitStatistics jit = machine.cpu().jitStatistics();
            return new Footprint(machine.cpu().state.instructions,
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(),
                    ManagementFactory.getClassLoadingMXBean().getLoadedClassCount(), metaspace, jit.blocksCompiled(),
                    jit.evictions(), jit.compiledInstructions());
        }

        @Override
        public String toString() {
            return String.format("%,d instructions: heap %,d bytes, %,d classes, metaspace %,d bytes, %,d blocks"
                    + " compiled, %,d evictions, %,d compiled instructions", instructions, heapBytes, classes, metaspaceBytes, blocksCompiled, evictions, compiledInstructions);
        }
    }

    @Test
    void aLongRunThroughATinyCodeCacheKeepsItsHeapAndClassCountFlat() throws Exception {
        MachineConfig config = new MachineConfig();
        config.cpuTier = MachineConfig.CpuTier.JIT;
        config.jitCacheBytes = TINY_CACHE;
        config.debugcon = OutputStream.nullOutputStream();
        config.commandLine = "iterations=" + (INSTRUCTIONS / ROUND + 2);
        Machine machine = new Machine(config);
        machine.boot(BENCH_C.toString(), Files.readAllBytes(BENCH_C));

        List<Footprint> samples = new ArrayList<>();
        for (int i = 0; i < SAMPLES; i++) {
            RunResult ended = machine.resume(INSTRUCTIONS / SAMPLES);
            assertNull(ended, () -> "the bench kernel ended before the run's length: " + ended.message());
            samples.add(Footprint.of(machine));
        }
        // The first sample still sees j386's own classes loading as each part first runs; the
        // first half after it is the warmed-up level the second half must keep to.
        List<Footprint> warm = samples.subList(1, SAMPLES / 2);
        List<Footprint> late = samples.subList(SAMPLES / 2, SAMPLES);
        String all = samples.stream().map(Footprint::toString).reduce("", (a, b) -> a + "\n  " + b);

        long compiledLate = late.get(late.size() - 1).blocksCompiled() - warm.get(warm.size() - 1).blocksCompiled();
        long evictedLate = late.get(late.size() - 1).evictions() - warm.get(warm.size() - 1).evictions();
        assertTrue(compiledLate >= 4 * CLASS_SLACK && evictedLate >= 10,
                "the cache stopped churning, so the run shows nothing (" + compiledLate + " blocks compiled and "
                        + evictedLate + " evictions in its second half):" + all);
        assertFlat(warm, late, Footprint::classes, CLASS_SLACK, "loaded classes", all);
        assertFlat(warm, late, Footprint::metaspaceBytes, METASPACE_SLACK, "class metadata", all);
        assertFlat(warm, late, Footprint::heapBytes, HEAP_SLACK, "heap after a full collection", all);
    }

    private static void assertFlat(List<Footprint> warm, List<Footprint> late, ToLongFunction<Footprint> measure,
            long slack, String what, String all) {
        long warmPeak = warm.stream().mapToLong(measure).max().orElseThrow();
        long latePeak = late.stream().mapToLong(measure).max().orElseThrow();
        assertTrue(latePeak <= warmPeak + slack, what + " grew from " + warmPeak + " to " + latePeak + ":" + all);
    }
}
