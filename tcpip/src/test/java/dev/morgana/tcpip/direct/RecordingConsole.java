package dev.morgana.tcpip.direct;

import dev.morgana.types.Console;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link Console} that keeps every line it is given, in order, for assertions. Test-only. */
final class RecordingConsole implements Console {

    /** The lines logged so far; safe to read while stacks log from their threads. */
    final List<String> lines = new CopyOnWriteArrayList<>();

    @Override
    public void log(String line) {
        lines.add(line);
    }

    @Override
    public String name() {
        return "test";
    }

    @Override
    public void close() {}
}
