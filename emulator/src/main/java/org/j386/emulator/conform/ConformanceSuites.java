package org.j386.emulator.conform;

import java.util.List;

/** The conformance suites j386 ships, in the order {@code j386 conform} runs them. */
public final class ConformanceSuites {
    private ConformanceSuites() {
    }

    public static List<ConformanceSuite> all() {
        return List.of(new VectorSuite(), new ProbeSuite());
    }
}
