// frame_pool.cpp - a pool of physical frames, one bit each in a bitmap.
#include "frame_pool.hpp"

FramePool::FramePool(uint32_t base, uint32_t n, uint32_t info_frame)
    : base_frame(base), n_frames(n), free(n) {
    bitmap = (uint8_t *) ((info_frame == 0 ? base : info_frame) * PAGE_SIZE);
    for (uint32_t i = 0; i < (n + 7) / 8; i++) {
        bitmap[i] = 0;
    }
    if (info_frame == 0) {
        mark(0, true);
    }
}

void FramePool::mark(uint32_t index, bool used) {
    if (used) {
        bitmap[index / 8] |= 1 << index % 8;
        free--;
    } else {
        bitmap[index / 8] &= ~(1 << index % 8);
        free++;
    }
}

uint32_t FramePool::get_frame() {
    for (uint32_t i = 0; i < n_frames; i++) {
        if (!is_used(i)) {
            mark(i, true);
            return base_frame + i;
        }
    }
    return 0;
}

void FramePool::release_frame(uint32_t frame) {
    uint32_t index = frame - base_frame;
    if (index < n_frames && is_used(index)) {
        mark(index, false);
    }
}
