package org.j386.guest.lab2;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntUnaryOperator;

/**
 * The free list as it stood at the last look, bottom first, so that the next look finds what
 * changed without walking the whole list: pages are pushed and popped at the head only, and a
 * page's link is written only when it is pushed, so below the first page still listed where it
 * was, nothing has changed.
 */
final class FreeListImage {
    private int[] pages = new int[64];
    private int size;
    /** Per frame, its index in {@link #pages} plus one; 0 when not listed. */
    private int[] slot = new int[0];

    /**
     * Brings the image to the list from {@code head} ({@code next} gives a page's link) and
     * returns the pages pushed since the last look, head first; at most {@code frames} pages are
     * walked (a list is never longer, and a cycle ends there).
     */
    List<Integer> update(int head, IntUnaryOperator next, int frames) {
        if (slot.length < frames + 1) {
            slot = Arrays.copyOf(slot, frames + 1);
        }
        List<Integer> pushed = new ArrayList<>();
        int keep = 0;
        for (int page = head, walked = 0; page != 0 && walked <= frames; page = next.applyAsInt(page), walked++) {
            int frame = Lab2Kernel.v2p(page) >>> 12;
            int at = frame < slot.length ? slot[frame] : 0;
            if (at != 0 && pages[at - 1] == page && (at == 1 || next.applyAsInt(page) == pages[at - 2])) {
                keep = at;
                break;
            }
            pushed.add(page);
        }
        for (int i = keep; i < size; i++) {
            slot[Lab2Kernel.v2p(pages[i]) >>> 12] = 0;
        }
        size = keep;
        for (int i = pushed.size() - 1; i >= 0; i--) {
            if (size == pages.length) {
                pages = Arrays.copyOf(pages, size * 2);
            }
            int page = pushed.get(i);
            pages[size++] = page;
            int frame = Lab2Kernel.v2p(page) >>> 12;
            if (frame < slot.length) {
                slot[frame] = size;
            }
        }
        return pushed;
    }
}
