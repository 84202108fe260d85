// frame_pool.hpp - a pool of physical frames, one bit each in a bitmap.
#ifndef FRAME_POOL_HPP
#define FRAME_POOL_HPP

#include "machine.hpp"

class FramePool {
public:
    // The pool manages frames [base_frame, base_frame + n_frames). Its bitmap is kept in frame
    // info_frame, or, when that is 0, in the pool's own first frame (which is then taken).
    FramePool(uint32_t base_frame, uint32_t n_frames, uint32_t info_frame);

    // A free frame's number, marked used; 0 when the pool is exhausted.
    uint32_t get_frame();
    void release_frame(uint32_t frame);
    uint32_t free_frames() const { return free; }

private:
    bool is_used(uint32_t index) const { return bitmap[index / 8] & (1 << index % 8); }
    void mark(uint32_t index, bool used);

    uint32_t base_frame;
    uint32_t n_frames;
    uint32_t free;
    uint8_t *bitmap;
};

#endif
