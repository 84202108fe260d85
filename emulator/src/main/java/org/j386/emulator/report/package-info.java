/**
 * The memory report ({@code j386 boot --report FILE.html}, the console's {@code report}): one
 * self-contained HTML page drawing the address space, physical memory by use, page faults,
 * exceptions and interrupts, TLB activity and the guest kernel's pools. It observes the machine
 * through the CPU's event observer and the trace port; nothing in the CPU knows it exists.
 */
package org.j386.emulator.report;
