package org.j386.tools.image;

/**
 * A kernel or module image that cannot be used as given. The message is one line meant for the
 * user: it starts with the file name and names the field or offset at fault, so the command line
 * can print it unchanged.
 */
public final class ImageFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public ImageFormatException(String message) {
        super(message);
    }

    /** {@code file + ": " + String.format(format, args)}. */
    public static ImageFormatException of(String file, String format, Object... args) {
        return new ImageFormatException(file + ": " + String.format(format, args));
    }
}
