package org.j386.emulator.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A bounded, evenly thinned record of a stream: every {@code stride}-th item offered is kept, and
 * when the capacity is reached every second kept item is dropped and the stride doubles. The
 * items kept are always those whose position is a multiple of the stride, so a long run is sampled
 * uniformly and memory stays bounded whatever its length.
 */
final class Sampled<T> {
    private final int capacity;
    private final List<T> kept = new ArrayList<>();
    private long offered;
    private long stride = 1;

    Sampled(int capacity) {
        if (capacity < 2 || capacity % 2 != 0) {
            throw new IllegalArgumentException("capacity must be even and at least 2");
        }
        this.capacity = capacity;
    }

    /** Counts one more item; true when it is to be kept (the caller then builds it and {@link #add}s it). */
    boolean offer() {
        long position = offered++;
        if (position % stride != 0) {
            return false;
        }
        if (kept.size() == capacity) {
            for (int i = 0; i < capacity / 2; i++) {
                kept.set(i, kept.get(2 * i));
            }
            kept.subList(capacity / 2, capacity).clear();
            stride *= 2;
        }
        return position % stride == 0;
    }

    void add(T item) {
        kept.add(item);
    }

    List<T> kept() {
        return kept;
    }

    /** Items offered so far, kept or not. */
    long offered() {
        return offered;
    }

    /** One item in this many is kept. */
    long stride() {
        return stride;
    }
}
