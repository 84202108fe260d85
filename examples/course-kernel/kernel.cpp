// kernel.cpp - the example course kernel: frame pools, a page table whose fault handler maps
// pages on demand, and a test that touches memory past the mapped first 4 MiB.
#include "console.hpp"
#include "exceptions.hpp"
#include "frame_pool.hpp"
#include "page_table.hpp"

static const uint32_t KERNEL_POOL_START = 2 * MB / PAGE_SIZE;   // frames 512..1023
static const uint32_t KERNEL_POOL_SIZE = 2 * MB / PAGE_SIZE;
static const uint32_t PROCESS_POOL_START = 4 * MB / PAGE_SIZE;  // frames 1024..8191
static const uint32_t PROCESS_POOL_SIZE = 28 * MB / PAGE_SIZE;
static const uint32_t TEST_START = 4 * MB;
static const uint32_t TEST_WORDS = 2 * MB / sizeof(uint32_t);   // 512 pages: 512 faults

// A global object, so that the kernel depends on its constructor having run (.init_array).
class Banner {
public:
    Banner() : text("course kernel: frame pool, page table, demand paging\n") {}
    const char *text;
};
static Banner banner;

static bool generate_memory_references(uint32_t *start, uint32_t words) {
    for (uint32_t i = 0; i < words; i++) {
        start[i] = i;
    }
    for (uint32_t i = 0; i < words; i++) {
        if (start[i] != i) {
            return false;
        }
    }
    return true;
}

static void wait_one_second() {
    uint64_t until = Machine::rdtsc() + 100000000;
    while (Machine::rdtsc() < until) {
    }
}

extern "C" int main() {
    Console::init();
    Console::puts(banner.text);

    FramePool kernel_pool(KERNEL_POOL_START, KERNEL_POOL_SIZE, 0);
    // The process pool's bitmap lives in a kernel frame: its own frames are mapped only on demand,
    // and the fault handler must not fault on the bitmap it consults.
    FramePool process_pool(PROCESS_POOL_START, PROCESS_POOL_SIZE, kernel_pool.get_frame());
    ExceptionDispatcher::init();
    ExceptionDispatcher::register_handler(14, PageTable::handle_fault);

    PageTable::init_paging(&kernel_pool, &process_pool, 4 * MB);
    PageTable pt;
    pt.load();
    PageTable::enable_paging();
    Console::puts("paging enabled; touching ");
    Console::putui(TEST_WORDS * sizeof(uint32_t) / PAGE_SIZE);
    Console::puts(" pages from ");
    Console::puthex(TEST_START);
    Console::puts("\n");

    if (generate_memory_references((uint32_t *) TEST_START, TEST_WORDS)) {
        Console::puts("page faults handled: ");
        Console::putui(PageTable::faults());
        Console::puts("\nTest Passed! Congratulations!\n");
    } else {
        Console::puts("Test Failed\n");
    }

    // As the course's kernels do: stay alive, and say so once a second.
    for (;;) {
        wait_one_second();
        Console::puts("One second has passed\n");
    }
}
