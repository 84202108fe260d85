/**
 * The GDB remote serial protocol over the debugger core: packet framing ({@link GdbPackets}),
 * the commands ({@link GdbStub}), and the TCP listener ({@link GdbServer}).
 */
package org.j386.emulator.debug.gdb;
