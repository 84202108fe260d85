package org.j386.emulator.check;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import org.j386.guest.GuestKernel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The mutant catalogues stay applicable as the guest sources change (make mutants runs them). */
class MutantCatalogueTest {
    @ParameterizedTest(name = "{0}")
    @EnumSource(GuestKernel.class)
    void everyMutantChangesExactlyTheLineItNamesAndEachKernelHasAtLeastFifteen(GuestKernel kernel) throws Exception {
        var mutants = MutantCatalogue.of(kernel.guestName);
        assertTrue(mutants.size() >= 15, kernel.guestName + ": " + mutants.size() + " mutants");
        for (var m : mutants) {
            String source = Files.readString(MutantCatalogue.SOURCES.resolve(m.file()));
            assertNotEquals(source, m.apply(source), m.name());
        }
    }
}
