/**
 * The debugger: a console that stops the machine at breakpoints, watchpoints and exceptions and
 * shows what the MMU saw, and a gdb remote stub over the same core.
 *
 * <p>The debugger observes the machine through a few hooks the CPU and MMU offer without knowing
 * who uses them: a per-instruction boundary hook (installed only while breakpoints, watchpoints
 * or tracing need it), an access observer for watched pages, and the exception observer. With
 * none of them installed the run loop is the one {@code j386 boot} uses. Every read the debugger
 * makes goes to physical memory directly or through a side-effect-free page walk, so inspecting
 * the guest never sets an accessed or dirty bit.
 */
package org.j386.emulator.debug;
