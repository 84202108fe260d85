package org.j386.tools.asm;

/** A line of source after preprocessing, still knowing the file and line it came from. */
public record SourceLine(String file, int line, String text) {
}
