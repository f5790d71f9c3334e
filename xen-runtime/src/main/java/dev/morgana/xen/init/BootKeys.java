package dev.morgana.xen.init;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The keys the VM boots with: those fixed by {@code make configure}, the VM's own keys (network
 * and disk) with their defaults, and overrides from the kernel command line written
 * {@code morgana.KEY=value} (Xen's {@code extra=}, QEMU's {@code -append}).
 *
 * <p>The generated Main has the configure-time keys compiled in, so the command line may only
 * repeat them with the same value; changing one needs a new {@code make configure}. The VM keys
 * are read by the init and may be changed freely.
 */
public final class BootKeys {

    /** The VM's own keys and their defaults: QEMU user networking's guest address. */
    public static final Map<String, String> VM_DEFAULTS = Map.of(
            "IP", "10.0.2.15",
            "NETMASK", "255.255.255.0",
            "GATEWAY", "10.0.2.2",
            "DISK", "auto");

    private static final String PREFIX = "morgana.";
    /** Bounds what a hostile or mistyped command line can make us hold. */
    private static final int MAX_CMDLINE = 4096;
    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
    private static final Pattern DISK = Pattern.compile("auto|[a-z]{2,8}[0-9]{0,3}");

    private BootKeys() {}

    /**
     * @param configured the keys {@code make configure} fixed
     * @param cmdline the kernel command line
     * @return every key with its value for this boot, sorted by name
     * @throws IllegalArgumentException naming the key and what it accepts, for an unknown key,
     *         a bad value, or a change to a configure-time key
     */
    public static SortedMap<String, String> resolve(Map<String, String> configured, String cmdline) {
        if (cmdline.length() > MAX_CMDLINE) {
            throw new IllegalArgumentException("kernel command line longer than " + MAX_CMDLINE + " characters");
        }
        SortedMap<String, String> keys = new TreeMap<>(VM_DEFAULTS);
        keys.putAll(configured);
        for (String word : cmdline.strip().split("\\s+")) {
            if (word.equals("--")) {
                break; // the rest are init's arguments
            }
            if (!word.startsWith(PREFIX)) {
                continue;
            }
            int eq = word.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("boot key '" + word + "' has no value: write " + word + "=VALUE");
            }
            String key = word.substring(PREFIX.length(), eq);
            String value = word.substring(eq + 1);
            if (VM_DEFAULTS.containsKey(key)) {
                check(key, value);
                keys.put(key, value);
            } else if (configured.containsKey(key)) {
                if (!configured.get(key).equals(value)) {
                    throw new IllegalArgumentException("boot key " + key + "=" + value + ": " + key
                            + " was fixed to '" + configured.get(key) + "' by make configure and is compiled into"
                            + " the appliance; run make configure " + key + "=" + value + " to change it");
                }
            } else {
                throw new IllegalArgumentException("unknown boot key '" + key + "': accepted are "
                        + String.join(", ", new TreeMap<>(VM_DEFAULTS).keySet())
                        + " (and, unchanged, " + String.join(", ", new TreeMap<>(configured).keySet()) + ")");
            }
        }
        return keys;
    }

    private static void check(String key, String value) {
        boolean ok = switch (key) {
            case "DISK" -> DISK.matcher(value).matches();
            default -> IPV4.matcher(value).matches();
        };
        if (!ok) {
            throw new IllegalArgumentException("bad value '" + value + "' for boot key " + key + ": expected "
                    + (key.equals("DISK") ? "auto or a device name under /dev such as vdb or xvdb"
                    : "an IPv4 address such as " + VM_DEFAULTS.get(key)));
        }
    }

    /** Parses the {@code KEY=value} lines the packager writes to /etc/morgana/keys. */
    public static SortedMap<String, String> parseKeyFile(String text) {
        SortedMap<String, String> keys = new TreeMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && !line.startsWith("#")) {
                keys.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return keys;
    }
}
