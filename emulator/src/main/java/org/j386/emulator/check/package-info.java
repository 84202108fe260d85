/**
 * Live checking of the guest kernel's memory manager: the trace port that collects its event
 * records, the checker that runs the Java reference (org.j386.guest.reference) beside the guest
 * and stops at the first divergence, and the JSON-lines event log.
 */
package org.j386.emulator.check;
