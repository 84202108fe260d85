package org.j386.tools.asm;

import java.util.List;

/**
 * Where sections go and how the result is written. The assembler asks the format to place the
 * sections after every pass (labels depend on the placement) and to write the file at the end.
 * {@link BinFormat} writes NASM's flat binary, {@link ElfFormat} an ELF32 executable.
 */
public interface OutputFormat {

    /** The address of the first section when the source has no ORG. */
    default long defaultOrigin() {
        return 0;
    }

    /** Sets {@code start} of every section, given the ORG of the source. */
    void place(List<Section> sections, long origin);

    /** The output file from the placed sections and the labels of the last pass. */
    byte[] write(List<Section> sections, long origin, List<Label> labels);
}
