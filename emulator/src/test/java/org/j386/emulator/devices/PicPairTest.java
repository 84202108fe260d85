package org.j386.emulator.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.j386.emulator.memory.PortBus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PicPairTest {
    private int attentionCalls;
    private PicPair pic;
    private PortBus bus;

    @BeforeEach
    void setUp() {
        pic = new PicPair(() -> attentionCalls++);
        bus = new PortBus();
        bus.register(0x20, 2, pic);
        bus.register(0xA0, 2, pic);
    }

    /** The sequence every PC kernel uses: ICW1=0x11, ICW2=0x20/0x28, ICW3=4/2, ICW4=1. */
    private void initialiseLikeAPcKernel() {
        bus.out(0x20, 1, 0x11);
        bus.out(0xA0, 1, 0x11);
        bus.out(0x21, 1, 0x20);
        bus.out(0xA1, 1, 0x28);
        bus.out(0x21, 1, 0x04);
        bus.out(0xA1, 1, 0x02);
        bus.out(0x21, 1, 0x01);
        bus.out(0xA1, 1, 0x01);
    }

    private void masterEoi() {
        bus.out(0x20, 1, 0x20);
    }

    private int readMasterIsr() {
        bus.out(0x20, 1, 0x0B);
        return bus.in(0x20, 1);
    }

    @Test
    void beforeInitialisationVectorsAreWhereABiosLeavesThem() {
        pic.raiseIrq(0);
        assertEquals(0x08, pic.acknowledge());
        pic.raiseIrq(14);
        masterEoi();
        assertEquals(0x76, pic.acknowledge());
    }

    @Test
    void standardInitialisationRemapsBothControllers() {
        initialiseLikeAPcKernel();
        pic.raiseIrq(1);
        assertEquals(0x21, pic.acknowledge());
        masterEoi();
        pic.raiseIrq(12);
        assertEquals(0x2C, pic.acknowledge());
    }

    @Test
    void initialisationClearsTheMaskAndPendingRequests() {
        bus.out(0x21, 1, 0xFF);
        pic.pulseIrq(3);
        initialiseLikeAPcKernel();
        assertEquals(0x00, bus.in(0x21, 1));
        assertFalse(pic.pending());
    }

    @Test
    void icw4IsSkippedWhenIcw1DoesNotAskForIt() {
        bus.out(0x20, 1, 0x10);
        bus.out(0x21, 1, 0x40);
        bus.out(0x21, 1, 0x04);
        bus.out(0x21, 1, 0xFE);
        assertEquals(0xFE, bus.in(0x21, 1), "the fourth byte is already OCW1");
    }

    @Test
    void singleModeSkipsIcw3() {
        bus.out(0x20, 1, 0x13);
        bus.out(0x21, 1, 0x40);
        bus.out(0x21, 1, 0x01);
        bus.out(0x21, 1, 0x0F);
        assertEquals(0x0F, bus.in(0x21, 1));
    }

    @Test
    void maskRegisterReadsBackFromTheDataPort() {
        initialiseLikeAPcKernel();
        bus.out(0x21, 1, 0xB8);
        bus.out(0xA1, 1, 0x8F);
        assertEquals(0xB8, bus.in(0x21, 1));
        assertEquals(0x8F, bus.in(0xA1, 1));
    }

    @Test
    void maskedRequestStaysInIrrUntilUnmasked() {
        initialiseLikeAPcKernel();
        bus.out(0x21, 1, 0x01);
        pic.raiseIrq(0);
        assertFalse(pic.pending());
        assertEquals(0x01, bus.in(0x20, 1) & 0x01, "IRR is the default command-port read");
        bus.out(0x21, 1, 0x00);
        assertTrue(pic.pending());
        assertEquals(0x20, pic.acknowledge());
    }

    @Test
    void assertingTheOutputCallsTheAttentionHookOnce() {
        initialiseLikeAPcKernel();
        pic.raiseIrq(3);
        pic.raiseIrq(4);
        assertEquals(1, attentionCalls);
        assertTrue(pic.pending());
    }

    @Test
    void irq0HasTheHighestPriority() {
        initialiseLikeAPcKernel();
        pic.raiseIrq(5);
        pic.raiseIrq(0);
        pic.raiseIrq(3);
        assertEquals(0x20, pic.acknowledge());
    }

    @Test
    void inServiceLevelBlocksLowerPriorityUntilEoi() {
        initialiseLikeAPcKernel();
        pic.raiseIrq(1);
        assertEquals(0x21, pic.acknowledge());
        pic.raiseIrq(4);
        assertFalse(pic.pending());
        masterEoi();
        assertTrue(pic.pending());
        assertEquals(0x24, pic.acknowledge());
    }

    @Test
    void higherPriorityRequestNestsInsideALowerOneInService() {
        initialiseLikeAPcKernel();
        pic.raiseIrq(4);
        assertEquals(0x24, pic.acknowledge());
        pic.raiseIrq(0);
        assertTrue(pic.pending());
        assertEquals(0x20, pic.acknowledge());
        assertEquals(0x11, readMasterIsr());
    }

    @Test
    void nonSpecificEoiClearsTheHighestPriorityInServiceBit() {
        initialiseLikeAPcKernel();
        pic.raiseIrq(4);
        pic.acknowledge();
        pic.raiseIrq(1);
        pic.acknowledge();
        masterEoi();
        assertEquals(0x10, readMasterIsr());
    }

    @Test
    void specificEoiClearsOnlyThatInServiceBit() {
        initialiseLikeAPcKernel();
        pic.raiseIrq(4);
        pic.acknowledge();
        pic.raiseIrq(1);
        pic.acknowledge();
        bus.out(0x20, 1, 0x64);
        assertEquals(0x02, readMasterIsr());
    }

    @Test
    void ocw3SelectsWhetherTheCommandPortReadsIrrOrIsr() {
        initialiseLikeAPcKernel();
        pic.raiseIrq(3);
        pic.raiseIrq(5);
        pic.acknowledge();
        bus.out(0x20, 1, 0x0A);
        assertEquals(0x20, bus.in(0x20, 1));
        bus.out(0x20, 1, 0x0B);
        assertEquals(0x08, bus.in(0x20, 1));
        assertEquals(0x08, bus.in(0x20, 1), "the selection persists");
    }

    @Test
    void slaveInterruptArrivesThroughMasterIrq2() {
        initialiseLikeAPcKernel();
        pic.raiseIrq(11);
        assertTrue(pic.pending());
        assertEquals(0x2B, pic.acknowledge());
        assertEquals(0x04, readMasterIsr());
        bus.out(0xA0, 1, 0x0B);
        assertEquals(0x08, bus.in(0xA0, 1));
    }

    @Test
    void slaveNeedsEoiOnBothControllers() {
        initialiseLikeAPcKernel();
        pic.raiseIrq(8);
        pic.acknowledge();
        pic.raiseIrq(9);
        assertFalse(pic.pending());
        bus.out(0xA0, 1, 0x20);
        assertFalse(pic.pending(), "the master still has IR2 in service");
        masterEoi();
        assertTrue(pic.pending());
        assertEquals(0x29, pic.acknowledge());
    }

    @Test
    void masterMaskOnIrq2HidesEverySlaveInterrupt() {
        initialiseLikeAPcKernel();
        bus.out(0x21, 1, 0x04);
        pic.raiseIrq(14);
        assertFalse(pic.pending());
    }

    @Test
    void isaIrq2IsDeliveredAsIrq9() {
        initialiseLikeAPcKernel();
        pic.raiseIrq(2);
        assertEquals(0x29, pic.acknowledge());
    }

    @Test
    void requestThatVanishesBeforeAcknowledgeGivesSpuriousIrq7WithoutInService() {
        initialiseLikeAPcKernel();
        pic.raiseIrq(3);
        pic.lowerIrq(3);
        assertTrue(pic.pending(), "INT stays latched, as on the chip");
        assertEquals(0x27, pic.acknowledge());
        assertEquals(0x00, readMasterIsr());
        assertFalse(pic.pending());
    }

    @Test
    void vanishedSlaveRequestGivesSpuriousIrq15AndLeavesMasterIrq2InService() {
        initialiseLikeAPcKernel();
        pic.raiseIrq(12);
        pic.lowerIrq(12);
        assertEquals(0x2F, pic.acknowledge());
        assertEquals(0x04, readMasterIsr());
        bus.out(0xA0, 1, 0x0B);
        assertEquals(0x00, bus.in(0xA0, 1));
    }

    @Test
    void edgeTriggeredLineHeldHighRequestsOnlyOnce() {
        initialiseLikeAPcKernel();
        pic.raiseIrq(1);
        pic.acknowledge();
        masterEoi();
        pic.raiseIrq(1);
        assertFalse(pic.pending());
        pic.lowerIrq(1);
        pic.raiseIrq(1);
        assertTrue(pic.pending());
    }

    @Test
    void lineHeldHighAcrossInitialisationNeedsANewEdge() {
        pic.raiseIrq(5);
        initialiseLikeAPcKernel();
        pic.raiseIrq(5);
        assertFalse(pic.pending());
        pic.lowerIrq(5);
        pic.raiseIrq(5);
        assertEquals(0x25, pic.acknowledge());
    }

    @Test
    void pulsesAreLatchedUntilAcknowledgedAndEachPulseIsANewEdge() {
        initialiseLikeAPcKernel();
        pic.pulseIrq(0);
        assertEquals(0x20, pic.acknowledge());
        masterEoi();
        pic.pulseIrq(0);
        assertEquals(0x20, pic.acknowledge());
    }

    @Test
    void autoEoiLeavesNothingInService() {
        bus.out(0x20, 1, 0x11);
        bus.out(0x21, 1, 0x20);
        bus.out(0x21, 1, 0x04);
        bus.out(0x21, 1, 0x03);
        pic.raiseIrq(5);
        assertEquals(0x25, pic.acknowledge());
        assertEquals(0x00, readMasterIsr());
    }

    @Test
    void rotateOnNonSpecificEoiMakesTheServicedLevelLowest() {
        initialiseLikeAPcKernel();
        pic.raiseIrq(0);
        pic.acknowledge();
        bus.out(0x20, 1, 0xA0);
        pic.pulseIrq(0);
        pic.pulseIrq(1);
        assertEquals(0x21, pic.acknowledge());
    }

    @Test
    void setPriorityCommandChangesTheHighestLevel() {
        initialiseLikeAPcKernel();
        bus.out(0x20, 1, 0xC4);
        pic.pulseIrq(0);
        pic.pulseIrq(6);
        assertEquals(0x26, pic.acknowledge());
    }

    @Test
    void pollCommandReturnsTheLevelAndAcknowledgesIt() {
        initialiseLikeAPcKernel();
        bus.out(0x21, 1, 0xFF);
        pic.raiseIrq(6);
        bus.out(0x21, 1, 0x00);
        bus.out(0x20, 1, 0x0C);
        assertEquals(0x86, bus.in(0x20, 1));
        assertEquals(0x40, readMasterIsr());
    }

    @Test
    void tracerSeesRequestsAndAcknowledges() {
        List<String> events = new ArrayList<>();
        pic.setTracer(new PicPair.Tracer() {
            @Override
            public void requested(int irq) {
                events.add("req " + irq);
            }

            @Override
            public void acknowledged(int irq, int vector, boolean spurious) {
                events.add("ack " + irq + " " + Integer.toHexString(vector) + (spurious ? " spurious" : ""));
            }
        });
        initialiseLikeAPcKernel();
        pic.pulseIrq(0);
        pic.acknowledge();
        pic.acknowledge();
        assertEquals(List.of("req 0", "ack 0 20", "ack 7 27 spurious"), events);
    }

    @Test
    void irqNumbersOutsideZeroToFifteenAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> pic.raiseIrq(16));
    }
}
