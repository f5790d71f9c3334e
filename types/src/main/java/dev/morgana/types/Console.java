package dev.morgana.types;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * A line-oriented log output: stdout on Unix and Docker, hvc0 or ttyS0 in a VM.
 *
 * <p>Thread-safe: concurrent calls never interleave within a line. Never blocks for long and
 * never throws; a console that cannot write drops the line.
 */
public interface Console extends Device {

    /** Writes {@code line} followed by a newline. */
    void log(String line);

    /**
     * A console that hands each line to {@code sink} and whose close does nothing: to keep an
     * appliance's lines in memory (tests, an embedding host) or route them to another log.
     * Thread-safe if {@code sink} is; {@code sink} must not throw.
     */
    static Console of(String name, Consumer<String> sink) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sink, "sink");
        return new Console() {
            @Override
            public void log(String line) {
                sink.accept(line);
            }

            @Override
            public String name() {
                return name;
            }

            @Override
            public void close() {}
        };
    }
}
