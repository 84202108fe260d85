package org.j386.tools.asm;

import java.util.List;

/**
 * Where sections go and how the result is written. The assembler asks the format to place the
 * sections after every pass (labels depend on the placement) and to write the file at the end.
 * {@link BinFormat} writes NASM's flat binary, {@link ElfFormat} an ELF32 executable,
 * {@link ElfObjectFormat} an ELF32 relocatable object.
 */
public interface OutputFormat {

    /** The address of the first section when the source has no ORG. */
    default long defaultOrigin() {
        return 0;
    }

    /** Sets {@code start} of every section, given the ORG of the source. */
    void place(List<Section> sections, long origin);

    /**
     * Whether the output leaves addresses to a linker: every section then starts at 0, values from
     * other sections and EXTERN symbols are allowed, and the fields holding them are relocated.
     */
    default boolean relocatable() {
        return false;
    }

    /**
     * The output file from the placed sections and the labels of the last pass, in the order
     * they were defined or declared; {@code source} is the source file's name as given.
     */
    byte[] write(String source, List<Section> sections, long origin, List<Label> labels);
}
