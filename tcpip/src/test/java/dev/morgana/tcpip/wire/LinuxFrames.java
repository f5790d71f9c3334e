package dev.morgana.tcpip.wire;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** Frames captured from Linux, committed as hex in test resources (see the file's header). */
public final class LinuxFrames {

    private static final Map<String, byte[]> FRAMES = load("/frames/linux-frames.hex");

    private LinuxFrames() {}

    /** The frame called {@code name} in the capture, a fresh copy. */
    public static byte[] frame(String name) {
        byte[] f = FRAMES.get(name);
        if (f == null) {
            throw new IllegalArgumentException("no captured frame " + name);
        }
        return f.clone();
    }

    public static Map<String, byte[]> load(String resource) {
        try (InputStream in = LinuxFrames.class.getResourceAsStream(resource)) {
            Map<String, byte[]> out = new LinkedHashMap<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.trim().split(" ");
                out.put(parts[0], HexFormat.of().parseHex(parts[1]));
            }
            return out;
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
    }
}
