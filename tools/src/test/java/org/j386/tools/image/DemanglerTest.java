package org.j386.tools.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DemanglerTest {
    @Test
    void everyNameInTheTableDemanglesAsCxxfiltPrintsIt() throws IOException {
        List<String> differences = new ArrayList<>();
        int rows = 0;
        try (InputStream in = DemanglerTest.class.getResourceAsStream("demangled.tsv")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] columns = line.split("\t");
                rows++;
                String got = Demangler.demangle(columns[0]);
                if (!got.equals(columns[1])) {
                    differences.add(columns[0] + ": expected " + columns[1] + ", got " + got);
                }
            }
        }
        assertEquals(List.of(), differences, "of " + rows + " names");
    }

    @Test
    void aMethodOfTheCourseKernelReadsAsItsDeclaration() {
        assertEquals("PageTable::handle_fault(REGS*)", Demangler.demangle("_ZN9PageTable12handle_faultEP4REGS"));
    }

    @Test
    void namesThatAreNotCxxAreLeftAlone() {
        assertEquals("kmain", Demangler.demangle("kmain"));
        assertEquals("_start", Demangler.demangle("_start"));
        assertEquals("vm_pool.loop", Demangler.demangle("vm_pool.loop"));
    }

    @Test
    void aTruncatedOrDamagedNameComesBackUnchanged() {
        String name = "_ZN9PageTable12handle_faultEP4REGS";
        for (int cut = 2; cut < name.length(); cut++) {
            String damaged = name.substring(0, cut);
            String got = Demangler.demangle(damaged);
            assertEquals(true, got.equals(damaged) || !got.startsWith("_Z"), damaged + " -> " + got);
        }
        assertEquals("_ZN9PageTable99xE", Demangler.demangle("_ZN9PageTable99xE"));
        assertEquals("_ZS5_", Demangler.demangle("_ZS5_"));
        assertEquals("_Z1fT_", Demangler.demangle("_Z1fT_"));
    }

    @Test
    void randomNamesNeverThrowAndDeepNestingIsRefused() {
        Random random = new Random(14);
        String alphabet = "_ZNESPKRIT0123456789abcdefijlmvCDLFAM";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder b = new StringBuilder("_Z");
            int length = random.nextInt(30);
            for (int j = 0; j < length; j++) {
                b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            Demangler.demangle(b.toString());
        }
        String deep = "_Z1f" + "P".repeat(100_000) + "i";
        assertEquals(deep, Demangler.demangle(deep));
    }
}
