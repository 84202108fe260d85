// page_table.cpp - two-level paging: the first 4 MiB mapped one to one, the rest on demand.
#include "page_table.hpp"
#include "console.hpp"

PageTable *PageTable::current_page_table;
bool PageTable::paging_enabled;
FramePool *PageTable::kernel_mem_pool;
FramePool *PageTable::process_mem_pool;
uint32_t PageTable::shared_size;
uint32_t PageTable::fault_count;

static const uint32_t ENTRIES = 1024;

void PageTable::init_paging(FramePool *kernel_pool, FramePool *process_pool, uint32_t shared) {
    kernel_mem_pool = kernel_pool;
    process_mem_pool = process_pool;
    shared_size = shared;
}

PageTable::PageTable() {
    page_directory = (uint32_t *) (kernel_mem_pool->get_frame() * PAGE_SIZE);
    uint32_t *first_table = (uint32_t *) (kernel_mem_pool->get_frame() * PAGE_SIZE);
    for (uint32_t i = 0; i < ENTRIES; i++) {
        first_table[i] = i * PAGE_SIZE | WRITABLE | PRESENT;
    }
    page_directory[0] = (uint32_t) first_table | WRITABLE | PRESENT;
    for (uint32_t i = shared_size / (4 * MB); i < ENTRIES; i++) {
        page_directory[i] = WRITABLE; // not present: the fault handler fills these in
    }
}

void PageTable::load() {
    current_page_table = this;
    Machine::write_cr3((uint32_t) page_directory);
}

void PageTable::enable_paging() {
    Machine::write_cr0(Machine::read_cr0() | 0x80000000);
    paging_enabled = true;
}

void PageTable::handle_fault(REGS *r) {
    uint32_t address = Machine::read_cr2();
    if (r->err_code & PRESENT) {
        Console::puts("protection fault at ");
        Console::puthex(address);
        Console::puts("\n");
        for (;;) {
            asm volatile("cli; hlt");
        }
    }
    uint32_t *directory = current_page_table->page_directory;
    uint32_t pde = address >> 22;
    if (!(directory[pde] & PRESENT)) {
        uint32_t *table = (uint32_t *) (kernel_mem_pool->get_frame() * PAGE_SIZE);
        for (uint32_t i = 0; i < ENTRIES; i++) {
            table[i] = WRITABLE;
        }
        directory[pde] = (uint32_t) table | WRITABLE | PRESENT;
    }
    uint32_t *table = (uint32_t *) (directory[pde] & ~0xFFF);
    uint32_t frame = process_mem_pool->get_frame();
    table[address >> 12 & 0x3FF] = frame * PAGE_SIZE | WRITABLE | PRESENT;
    Machine::invlpg(address);
    fault_count++;
}
