package org.j386.tools.asm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reading the files a source names (the source itself, %include, INCBIN) without trusting them:
 * only regular files are read, so a device or a pipe ({@code /dev/zero}) is refused at once, and
 * the size is checked before any byte is read, so a file of gigabytes is an error, not an
 * OutOfMemoryError.
 */
final class InputFiles {
    /** The largest source or include file read: far beyond any hand-written source. */
    static final long MAX_SOURCE = 64L << 20;

    private InputFiles() {
    }

    /**
     * The bytes of {@code file} from {@code skip}, at most {@code length} of them (all the rest
     * when negative), refusing anything but a regular file and more than {@code limit} bytes.
     * {@code shown} is the name as the source wrote it, {@code role} what the file is for.
     */
    static byte[] read(Path file, String shown, String role, long skip, long length, long limit) {
        if (!Files.exists(file)) {
            throw new AsmException("unable to open " + role + " `" + shown + "'");
        }
        if (!Files.isRegularFile(file)) {
            throw new AsmException(role + " `" + shown + "' is not a regular file");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            long from = Math.min(Math.max(skip, 0), size);
            long n = length < 0 ? size - from : Math.min(length, size - from);
            if (n > limit) {
                throw new AsmException(role + " `" + shown + "' is too large (" + n + " bytes; at most "
                    + (limit >> 20) + " MiB)");
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) n);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, from + buffer.position()) < 0) {
                    break; // the file shrank while being read
                }
            }
            byte[] bytes = new byte[buffer.position()];
            buffer.flip().get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new AsmException("unable to open " + role + " `" + shown + "'");
        }
    }
}
