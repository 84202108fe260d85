package org.j386.emulator.debug.gdb;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Framing of the GDB remote protocol: {@code $payload#checksum}, acknowledgements, the
 * interrupt byte 0x03, and the escaping of binary data ({@code }} followed by the byte XOR 0x20).
 * Nothing here trusts the peer: a bad checksum, a packet larger than {@link #MAX_PACKET} or
 * stray bytes come back as {@link Kind#BAD} or {@link Kind#OVERSIZED} events, never as exceptions.
 */
public final class GdbPackets {
    /** The largest payload accepted (announced as PacketSize). */
    public static final int MAX_PACKET = 0x4000;

    /** What the reader saw. */
    public enum Kind { PACKET, INTERRUPT, BAD, OVERSIZED, END }

    /** One event from the peer; {@code payload} is the packet's unescaped-as-sent text (ISO-8859-1). */
    public record Event(Kind kind, String payload) {
    }

    private final InputStream in;
    private final OutputStream out;
    private boolean acks = true;

    public GdbPackets(InputStream in, OutputStream out) {
        this.in = in;
        this.out = out;
    }

    /** After QStartNoAckMode: no more '+' sent or expected. */
    public void stopAcknowledging() {
        acks = false;
    }

    /** Reads the next packet or interrupt, skipping acknowledgements. Blocks. */
    public Event read() throws IOException {
        while (true) {
            int b = in.read();
            if (b < 0) {
                return new Event(Kind.END, "");
            }
            if (b == 0x03) {
                return new Event(Kind.INTERRUPT, "");
            }
            if (b != '$') {
                continue; // '+', '-' and noise between packets
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            int sum = 0;
            boolean oversized = false;
            while (true) {
                b = in.read();
                if (b < 0) {
                    return new Event(Kind.END, "");
                }
                if (b == '#') {
                    break;
                }
                if (b == '$') {
                    // A new packet started inside this one: drop what came before.
                    body.reset();
                    sum = 0;
                    oversized = false;
                    continue;
                }
                sum = (sum + b) & 0xFF;
                if (body.size() < MAX_PACKET) {
                    body.write(b);
                } else {
                    oversized = true;
                }
            }
            int c1 = in.read();
            int c2 = c1 < 0 ? -1 : in.read();
            if (c2 < 0) {
                return new Event(Kind.END, "");
            }
            int hi = hexDigit(c1);
            int lo = hexDigit(c2);
            if (hi < 0 || lo < 0 || ((hi << 4) | lo) != sum) {
                if (acks) {
                    send("-");
                }
                return new Event(Kind.BAD, body.toString(StandardCharsets.ISO_8859_1));
            }
            if (acks) {
                send("+");
            }
            if (oversized) {
                return new Event(Kind.OVERSIZED, "");
            }
            return new Event(Kind.PACKET, body.toString(StandardCharsets.ISO_8859_1));
        }
    }

    /** Sends one packet with its checksum. */
    public synchronized void reply(String payload) throws IOException {
        byte[] bytes = payload.getBytes(StandardCharsets.ISO_8859_1);
        int sum = 0;
        for (byte x : bytes) {
            sum = (sum + (x & 0xFF)) & 0xFF;
        }
        ByteArrayOutputStream frame = new ByteArrayOutputStream(bytes.length + 4);
        frame.write('$');
        frame.writeBytes(bytes);
        frame.write('#');
        frame.writeBytes(String.format("%02x", sum).getBytes(StandardCharsets.ISO_8859_1));
        out.write(frame.toByteArray());
        out.flush();
    }

    /** Sends the interrupt byte (what gdb sends for Ctrl-C). */
    public void interrupt() throws IOException {
        send("\u0003");
    }

    private synchronized void send(String raw) throws IOException {
        out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    static int hexDigit(int c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** Bytes as lower-case hex. */
    public static String hex(byte[] bytes, int length) {
        StringBuilder b = new StringBuilder(length * 2);
        for (int i = 0; i < length; i++) {
            b.append(Character.forDigit((bytes[i] >> 4) & 15, 16)).append(Character.forDigit(bytes[i] & 15, 16));
        }
        return b.toString();
    }

    /** Hex to bytes; null when the text is not whole hex pairs. */
    public static byte[] unhex(String text) {
        if (text.length() % 2 != 0) {
            return null;
        }
        byte[] out = new byte[text.length() / 2];
        for (int i = 0; i < out.length; i++) {
            int hi = hexDigit(text.charAt(2 * i));
            int lo = hexDigit(text.charAt(2 * i + 1));
            if (hi < 0 || lo < 0) {
                return null;
            }
            out[i] = (byte) ((hi << 4) | lo);
        }
        return out;
    }

    /** Undoes the binary escaping of X packets: '}' then the byte XOR 0x20; null when it ends in a lone '}'. */
    public static byte[] unescape(String data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length());
        for (int i = 0; i < data.length(); i++) {
            char c = data.charAt(i);
            if (c == '}') {
                if (++i >= data.length()) {
                    return null;
                }
                out.write(data.charAt(i) ^ 0x20);
            } else {
                out.write(c);
            }
        }
        return out.toByteArray();
    }

    /** Escapes '#', '$', '}' and '*' for binary replies (qXfer). */
    public static String escape(String data) {
        StringBuilder b = new StringBuilder(data.length());
        for (int i = 0; i < data.length(); i++) {
            char c = data.charAt(i);
            if (c == '#' || c == '$' || c == '}' || c == '*') {
                b.append('}').append((char) (c ^ 0x20));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
