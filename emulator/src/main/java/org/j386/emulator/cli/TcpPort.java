package org.j386.emulator.cli;

import picocli.CommandLine;

/** A TCP port on 127.0.0.1: 1..65535, or 0 where the option lets the system pick a free one. */
final class TcpPort implements CommandLine.ITypeConverter<Integer> {
    @Override
    public Integer convert(String text) {
        int port;
        try {
            port = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + text + "' is not a TCP port number");
        }
        if (port < 0 || port > 65535) {
            throw new CommandLine.TypeConversionException("'" + text + "' is outside the TCP ports 0..65535");
        }
        return port;
    }
}
