package org.j386.emulator.devices;

/**
 * The 8042 keyboard controller at 0x60 (data) and 0x64 (status/command) with no keyboard or
 * mouse attached. Its output buffer stays empty except for the answers of the controller
 * commands modelled here, so polling loops for "input buffer empty" end at once and guests that
 * probe the controller get the answers of a healthy one:
 * <ul>
 * <li>0x20 / 0x60: read / write the command byte;</li>
 * <li>0xAA: self-test, answers 0x55; 0xAB: keyboard interface test, answers 0x00;</li>
 * <li>0xD0 / 0xD1: read / write the output port (A20 is always enabled here);</li>
 * <li>0xFE: pulse the reset line, which asks the machine to {@link MachineControl#reset()}.</li>
 * </ul>
 * Other commands, and bytes sent to the (absent) keyboard, are accepted and ignored.
 */
public final class KeyboardController extends BytePorts {
    public static final int DATA = 0x60;
    public static final int STATUS = 0x64;

    private static final int STATUS_OUTPUT_FULL = 0x01;
    /** Set by a passed self-test, as the BIOS leaves it. */
    private static final int STATUS_SYSTEM_FLAG = 0x04;
    private static final int STATUS_LAST_WAS_COMMAND = 0x08;
    private static final int STATUS_UNLOCKED = 0x10;
    /** Output port: reset line not asserted (bit 0) and A20 enabled (bit 1). */
    private static final int OUTPUT_PORT_DEFAULT = 0x03;

    private final MachineControl machine;
    /** Translation, system flag, keyboard interrupt: a BIOS's usual command byte. */
    private int commandByte = 0x45;
    private int outputPort = OUTPUT_PORT_DEFAULT;
    private int output = -1;
    /** A command whose parameter byte is awaited on the data port, or -1. */
    private int awaiting = -1;
    private boolean lastWasCommand;

    public KeyboardController(MachineControl machine) {
        this.machine = machine;
    }

    @Override
    protected int inByte(int port) {
        if (port == DATA) {
            int value = output < 0 ? 0 : output;
            output = -1;
            return value;
        }
        if (port == STATUS) {
            return (output >= 0 ? STATUS_OUTPUT_FULL : 0) | STATUS_SYSTEM_FLAG | STATUS_UNLOCKED
                    | (lastWasCommand ? STATUS_LAST_WAS_COMMAND : 0);
        }
        return 0xFF;
    }

    @Override
    protected void outByte(int port, int value) {
        if (port == STATUS) {
            lastWasCommand = true;
            command(value);
        } else if (port == DATA) {
            lastWasCommand = false;
            if (awaiting == 0x60) {
                commandByte = value;
            } else if (awaiting == 0xD1) {
                outputPort = value | 0x02;
            }
            awaiting = -1;
        }
    }

    private void command(int value) {
        awaiting = -1;
        switch (value) {
            case 0x20 -> output = commandByte;
            case 0x60, 0xD1 -> awaiting = value;
            case 0xAA -> output = 0x55;
            case 0xAB -> output = 0x00;
            case 0xD0 -> output = outputPort;
            case 0xFE -> machine.reset();
            default -> { }
        }
    }

    /** Takes {@code other}'s state: one machine's copied into another of the same configuration. */
    void copyStateFrom(KeyboardController other) {
        commandByte = other.commandByte;
        outputPort = other.outputPort;
        output = other.output;
        awaiting = other.awaiting;
        lastWasCommand = other.lastWasCommand;
    }
}
