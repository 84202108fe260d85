package org.j386.emulator.cpu;

/**
 * A processor exception raised while executing an instruction. One instance per CPU is reused
 * and it carries no stack trace: a guest #GP is control flow, not a Java error.
 */
public final class CpuFault extends RuntimeException {
    private int vector;
    private int errorCode;
    private boolean hasErrorCode;

    CpuFault() {
        super(null, null, false, false);
    }

    public int vector() {
        return vector;
    }

    public int errorCode() {
        return errorCode;
    }

    public boolean hasErrorCode() {
        return hasErrorCode;
    }

    public CpuFault of(int vector) {
        this.vector = vector;
        this.errorCode = 0;
        this.hasErrorCode = Vectors.pushesErrorCode(vector);
        return this;
    }

    public CpuFault of(int vector, int errorCode) {
        this.vector = vector;
        this.errorCode = errorCode;
        this.hasErrorCode = Vectors.pushesErrorCode(vector);
        return this;
    }

    public CpuFault divideError() {
        return of(Vectors.DE);
    }

    public CpuFault invalidOpcode() {
        return of(Vectors.UD);
    }

    public CpuFault generalProtection(int errorCode) {
        return of(Vectors.GP, errorCode);
    }

    public CpuFault stackFault(int errorCode) {
        return of(Vectors.SS, errorCode);
    }

    public CpuFault notPresent(int errorCode) {
        return of(Vectors.NP, errorCode);
    }

    public CpuFault invalidTss(int errorCode) {
        return of(Vectors.TS, errorCode);
    }
}
