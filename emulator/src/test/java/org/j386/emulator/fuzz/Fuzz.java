package org.j386.emulator.fuzz;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The fuzzing harness: runs cases of one {@link Target} until a case count or a time budget is
 * used up. Case {@code n} of seed {@code s} is generated from {@code new Random(s * 1_000_003 + n)}
 * alone, so any case can be replayed by itself ({@code make fuzz FUZZ_TARGET=t FUZZ_SEED=s
 * FUZZ_CASE=n}). A case fails when it throws (an assertion about exit statuses, messages or stack
 * traces, or an unexpected exception), runs longer than {@link #CASE_TIMEOUT_SECONDS}, or leaves
 * the heap more than {@link #HEAP_GROWTH_LIMIT} bytes larger than before the run. The failure is
 * printed with its seed, its case number, the command that replays it and the case's input, which
 * is also written under {@code target/fuzz/}.
 */
public final class Fuzz {
    /** One kind of input: builds a case from its random source and runs it, throwing on failure. */
    public interface Target {
        String name();

        /**
         * Runs one case. {@code input} receives a readable copy of the generated input before the
         * case runs, for the reproducer.
         */
        void run(Random random, StringBuilder input) throws Exception;
    }

    /** What a run did. */
    public record Report(String target, long seed, int cases, List<String> failures) {
        public String summary() {
            return String.format("fuzz %-10s seed %d: %d cases, %d failures", target, seed, cases, failures.size());
        }
    }

    /** A case running longer than this is a hang. */
    public static final int CASE_TIMEOUT_SECONDS = 30;
    /** Heap still in use after a run beyond its level before the run (after a GC on both sides). */
    public static final long HEAP_GROWTH_LIMIT = 256L << 20;

    private Fuzz() {
    }

    /**
     * Runs cases {@code first}, {@code first + 1}, ... of {@code target} from {@code seed} until
     * {@code maxCases} have run or {@code seconds} have passed, stopping at the first failure.
     */
    public static Report run(Target target, long seed, int first, int maxCases, double seconds) {
        long start = System.nanoTime();
        long budget = seconds * 1e9 >= Long.MAX_VALUE / 2 ? Long.MAX_VALUE / 2 : (long) (seconds * 1e9);
        long heapBefore = usedHeap();
        List<String> failures = new ArrayList<>();
        ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(null, r, "j386-fuzz-" + target.name(), 64L << 20);
            t.setDaemon(true);
            return t;
        });
        int n = 0;
        try {
            for (int c = first; n < maxCases && System.nanoTime() - start < budget; c++, n++) {
                StringBuilder input = new StringBuilder();
                Random random = caseRandom(seed, c);
                Future<?> f = thread.submit(() -> {
                    target.run(random, input);
                    return null;
                });
                String failure = null;
                try {
                    f.get(CASE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    f.cancel(true);
                    failure = "no answer after " + CASE_TIMEOUT_SECONDS + " s (a hang)";
                } catch (java.util.concurrent.ExecutionException e) {
                    failure = String.valueOf(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                if (failure != null) {
                    failures.add(describe(target, seed, c, failure, input));
                    n++;
                    break;
                }
            }
        } finally {
            thread.shutdownNow();
        }
        long growth = usedHeap() - heapBefore;
        if (failures.isEmpty() && growth > HEAP_GROWTH_LIMIT) {
            failures.add(String.format("FUZZ FAILURE %s seed %d: the heap grew by %d MiB over %d cases",
                    target.name(), seed, growth >> 20, n));
        }
        return new Report(target.name(), seed, n, failures);
    }

    static Random caseRandom(long seed, int c) {
        return new Random(seed * 1_000_003L + c);
    }

    private static String describe(Target target, long seed, int c, String failure, StringBuilder input) {
        String text = input.toString();
        Path saved = Path.of("target", "fuzz", target.name() + "-" + seed + "-" + c + ".txt");
        try {
            Files.createDirectories(saved.getParent());
            Files.writeString(saved, text, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            saved = null;
        }
        String shown = text.length() <= 2000 ? text : text.substring(0, 2000) + "\n... (" + text.length() + " characters)";
        return "FUZZ FAILURE " + target.name() + " seed " + seed + " case " + c + ": " + failure + "\n"
                + "  replay: make fuzz FUZZ_TARGET=" + target.name() + " FUZZ_SEED=" + seed + " FUZZ_CASE=" + c + "\n"
                + (saved != null ? "  input saved in emulator/" + saved + "\n" : "")
                + "  input:\n" + shown.indent(4);
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        System.gc();
        return rt.totalMemory() - rt.freeMemory();
    }
}
