/**
 * The PC devices behind the port bus: the 8259A pair ({@link org.j386.emulator.devices.PicPair}),
 * the 8254 timer ({@link org.j386.emulator.devices.Pit}), COM1
 * ({@link org.j386.emulator.devices.Uart16550}), the VGA text screen, the keyboard controller
 * stub and the debug ports. {@link org.j386.emulator.devices.PcDevices} builds them and registers
 * them at their usual addresses.
 *
 * <p>Time is virtual ({@link org.j386.emulator.devices.VirtualTime}): devices never look at the
 * host's clock, so a run is reproducible instruction for instruction. Devices talk to the rest
 * of the machine only through callbacks given at construction (an interrupt line, an attention
 * request, {@link org.j386.emulator.devices.MachineControl}), never by reaching into the CPU.
 */
package org.j386.emulator.devices;
