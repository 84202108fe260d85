// machine.hpp - the few instructions C++ cannot say: port I/O, control registers, the TLB.
#ifndef MACHINE_HPP
#define MACHINE_HPP

typedef unsigned char  uint8_t;
typedef unsigned short uint16_t;
typedef unsigned int   uint32_t;
typedef unsigned long long uint64_t;

const uint32_t PAGE_SIZE = 4096;
const uint32_t MB = 1024 * 1024;

namespace Machine {
    inline void outb(uint16_t port, uint8_t value) { asm volatile("outb %0, %1" : : "a"(value), "Nd"(port)); }
    inline uint32_t read_cr0() { uint32_t v; asm volatile("mov %%cr0, %0" : "=r"(v)); return v; }
    inline void write_cr0(uint32_t v) { asm volatile("mov %0, %%cr0" : : "r"(v) : "memory"); }
    inline uint32_t read_cr2() { uint32_t v; asm volatile("mov %%cr2, %0" : "=r"(v)); return v; }
    inline uint32_t read_cr3() { uint32_t v; asm volatile("mov %%cr3, %0" : "=r"(v)); return v; }
    inline void write_cr3(uint32_t v) { asm volatile("mov %0, %%cr3" : : "r"(v) : "memory"); }
    inline void invlpg(uint32_t address) { asm volatile("invlpg (%0)" : : "r"(address) : "memory"); }
    // The time-stamp counter: under j386 it counts virtual time, 100 million a second.
    inline uint64_t rdtsc() { uint32_t lo, hi; asm volatile("rdtsc" : "=a"(lo), "=d"(hi)); return (uint64_t) hi << 32 | lo; }
}

#endif
