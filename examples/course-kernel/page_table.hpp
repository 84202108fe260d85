// page_table.hpp - two-level paging: the first 4 MiB mapped one to one, the rest on demand.
#ifndef PAGE_TABLE_HPP
#define PAGE_TABLE_HPP

#include "machine.hpp"
#include "exceptions.hpp"
#include "frame_pool.hpp"

class PageTable {
public:
    static const uint32_t PRESENT = 1, WRITABLE = 2;

    // Page tables come from kernel_pool, the frames behind faulting pages from process_pool.
    static void init_paging(FramePool *kernel_pool, FramePool *process_pool, uint32_t shared_size);

    PageTable();
    void load();
    static void enable_paging();

    // The #PF handler: maps the faulting page to a fresh frame.
    static void handle_fault(REGS *r);
    static uint32_t faults() { return fault_count; }

private:
    uint32_t *page_directory;

    static PageTable *current_page_table;
    static bool paging_enabled;
    static FramePool *kernel_mem_pool;
    static FramePool *process_mem_pool;
    static uint32_t shared_size;
    static uint32_t fault_count;
};

#endif
