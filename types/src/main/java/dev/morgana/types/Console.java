package dev.morgana.types;

/**
 * A line-oriented log output: stdout on Unix and Docker, hvc0 or ttyS0 in a VM.
 *
 * <p>Thread-safe: concurrent calls never interleave within a line. Never blocks for long and
 * never throws; a console that cannot write drops the line.
 */
public interface Console extends Device {

    /** Writes {@code line} followed by a newline. */
    void log(String line);
}
