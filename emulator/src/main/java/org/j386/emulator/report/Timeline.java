package org.j386.emulator.report;

import java.util.Arrays;

/**
 * Counts over instruction time in a fixed number of buckets: when an event falls past the last
 * bucket, neighbouring buckets are added together and each bucket covers twice as many
 * instructions. Memory is {@value #BUCKETS} longs per series, whatever the length of the run.
 */
final class Timeline {
    static final int BUCKETS = 256;
    private static final long FIRST_WIDTH = 1024;

    private final long[][] series;
    private long width = FIRST_WIDTH;

    Timeline(int seriesCount) {
        series = new long[seriesCount][];
    }

    void add(int which, long instructions, long amount) {
        if (amount == 0) {
            return;
        }
        while (instructions >= width * BUCKETS) {
            fold();
        }
        if (series[which] == null) {
            series[which] = new long[BUCKETS];
        }
        series[which][(int) (instructions / width)] += amount;
    }

    /**
     * Adds {@code amount} spread evenly over the instructions from {@code from} to {@code to}: a
     * count read only now and then is drawn as the average rate between two readings.
     */
    void spread(int which, long from, long to, long amount) {
        if (amount == 0) {
            return;
        }
        if (to <= from) {
            add(which, to, amount);
            return;
        }
        extendTo(to);
        if (series[which] == null) {
            series[which] = new long[BUCKETS];
        }
        long given = 0;
        long last = (to - 1) / width;
        for (long bucket = from / width; bucket <= last; bucket++) {
            long start = Math.max(from, bucket * width), end = Math.min(to, (bucket + 1) * width);
            long share = bucket == last ? amount - given : (long) ((double) amount * (end - start) / (to - from));
            series[which][(int) bucket] += share;
            given += share;
        }
    }

    /** Makes the buckets wide enough that {@code instructions} falls inside the last one. */
    void extendTo(long instructions) {
        while (instructions >= width * BUCKETS) {
            fold();
        }
    }

    private void fold() {
        for (long[] counts : series) {
            if (counts == null) {
                continue;
            }
            for (int i = 0; i < BUCKETS / 2; i++) {
                counts[i] = counts[2 * i] + counts[2 * i + 1];
            }
            Arrays.fill(counts, BUCKETS / 2, BUCKETS, 0);
        }
        width *= 2;
    }

    /** Instructions per bucket. */
    long width() {
        return width;
    }

    /** A series' counts by bucket, or null when nothing was added to it. */
    long[] counts(int which) {
        return series[which];
    }

    long total(int which) {
        return series[which] == null ? 0 : Arrays.stream(series[which]).sum();
    }
}
