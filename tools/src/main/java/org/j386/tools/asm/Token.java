package org.j386.tools.asm;

/** A lexical token of one source line. */
record Token(Type type, String text, long number, byte[] bytes) {

    enum Type { IDENT, NUMBER, STRING, OP, EOL }

    static Token ident(String s) {
        return new Token(Type.IDENT, s, 0, null);
    }

    static Token number(String s, long v) {
        return new Token(Type.NUMBER, s, v, null);
    }

    static Token string(String s, byte[] b) {
        return new Token(Type.STRING, s, 0, b);
    }

    static Token op(String s) {
        return new Token(Type.OP, s, 0, null);
    }

    static final Token EOL = new Token(Type.EOL, "end of line", 0, null);

    boolean is(String op) {
        return (type == Type.OP || type == Type.IDENT) && text.equalsIgnoreCase(op);
    }

    boolean isOp(String op) {
        return type == Type.OP && text.equals(op);
    }
}
