package dev.morgana.unix;

import dev.morgana.types.Console;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** The process's standard output as a {@link Console}: one line per call, never interleaved. */
public final class StdoutConsole implements Console {

    private final PrintStream out;

    /** The console on file descriptor 1. */
    public StdoutConsole() {
        this(new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8));
    }

    /** A console over any stream (tests). */
    public StdoutConsole(PrintStream out) {
        this.out = out;
    }

    @Override
    public void log(String line) {
        // println on a PrintStream is synchronized, so concurrent lines never interleave.
        out.println(line);
    }

    @Override
    public String name() {
        return "stdout";
    }

    @Override
    public void close() {
        out.flush();
    }
}
