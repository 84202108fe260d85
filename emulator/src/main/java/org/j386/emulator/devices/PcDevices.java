package org.j386.emulator.devices;

import java.io.OutputStream;
import java.util.function.LongSupplier;
import org.j386.emulator.memory.PhysicalMemory;
import org.j386.emulator.memory.PortBus;

/**
 * The PC's devices built and registered on a port bus at their usual addresses, so that the
 * machine wires them in one place:
 * <pre>
 *   0x20–0x21, 0xA0–0xA1  8259A pair          0x40–0x43, 0x61  8254 PIT, system control B
 *   0x60, 0x64            8042 (no keyboard)  0x80             POST code
 *   0x3F8–0x3FF           COM1, IRQ4          0x3D4–0x3D5, 0x3DA  VGA CRTC, input status
 *   0xE9                  debug console       0xF4             isa-debug-exit
 * </pre>
 * The PIT is the only device with a notion of time; {@link #nextEvent()} and
 * {@link #advanceTo(long)} stand for all of them.
 */
public final class PcDevices implements TimedDevice {
    public final PicPair pic;
    public final Pit pit;
    public final Uart16550 com1;
    public final DebugConsole debugConsole;
    public final DebugExit debugExit;
    public final VgaText vga;
    public final KeyboardController keyboard;
    public final PostCode postCode;

    /**
     * @param bus where the devices are registered
     * @param memory guest RAM, for the text screen
     * @param clock virtual time in instruction slots ({@code () -> cpu.state.cycles})
     * @param attention run when INTR rises or a timer was reprogrammed
     *     ({@code cpu.state::requestAttention}): the run loop should then check
     *     {@code pic.pending()} and recompute its deadline from {@link #nextEvent()}
     * @param machine receives isa-debug-exit and keyboard-controller reset requests
     * @param serial COM1's output, or null to discard
     * @param debugcon port 0xE9's output, or null to discard
     */
    public PcDevices(PortBus bus, PhysicalMemory memory, LongSupplier clock, Runnable attention,
            MachineControl machine, OutputStream serial, OutputStream debugcon) {
        pic = new PicPair(attention);
        pit = new Pit(clock, () -> pic.pulseIrq(0), attention);
        com1 = new Uart16550(Uart16550.COM1, serial, level -> {
            if (level) {
                pic.raiseIrq(Uart16550.COM1_IRQ);
            } else {
                pic.lowerIrq(Uart16550.COM1_IRQ);
            }
        });
        debugConsole = new DebugConsole(debugcon);
        debugExit = new DebugExit(machine);
        vga = new VgaText(memory);
        keyboard = new KeyboardController(machine);
        postCode = new PostCode();

        bus.register(PicPair.MASTER_COMMAND, 2, pic);
        bus.register(PicPair.SLAVE_COMMAND, 2, pic);
        bus.register(Pit.FIRST_PORT, Pit.PORT_COUNT, pit);
        bus.register(Pit.SYSTEM_CONTROL_B, 1, pit);
        bus.register(KeyboardController.DATA, 1, keyboard);
        bus.register(KeyboardController.STATUS, 1, keyboard);
        bus.register(PostCode.PORT, 1, postCode);
        bus.register(Uart16550.COM1, Uart16550.PORT_COUNT, com1);
        bus.register(VgaText.CRTC_INDEX, 2, vga);
        bus.register(VgaText.INPUT_STATUS_1, 1, vga);
        bus.register(DebugConsole.PORT, 1, debugConsole);
        bus.register(DebugExit.PORT, 1, debugExit);
    }

    /**
     * The virtual time at which a device will next raise an interrupt request that reaches the
     * CPU, or {@link Long#MAX_VALUE} if none ever can while the PICs stay as they are. Only the
     * PIT acts on its own (the UART interrupts only in answer to the guest's port accesses), so
     * this is the PIT's next IRQ0 edge, provided IRQ0 is neither masked nor blocked by an
     * interrupt still in service. A halted CPU with nothing pending can be woken only then.
     */
    public long nextWakeUp() {
        return pic.wouldInterrupt(0) ? pit.nextEvent() : Long.MAX_VALUE;
    }

    @Override
    public long nextEvent() {
        return pit.nextEvent();
    }

    @Override
    public void advanceTo(long now) {
        pit.advanceTo(now);
    }

    /** Takes the state of every device of {@code other}, a machine of the same configuration. */
    public void copyStateFrom(PcDevices other) {
        pic.copyStateFrom(other.pic);
        pit.copyStateFrom(other.pit);
        com1.copyStateFrom(other.com1);
        vga.copyStateFrom(other.vga);
        keyboard.copyStateFrom(other.keyboard);
        postCode.copyStateFrom(other.postCode);
    }
}
