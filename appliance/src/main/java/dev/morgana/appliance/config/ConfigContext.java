package dev.morgana.appliance.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The state of one config evaluation: the key values given, the keys the config declared and
 * the jobs it registered. {@code configure} installs one around the config's {@code main}.
 */
public final class ConfigContext {

    private static final ThreadLocal<ConfigContext> CURRENT = new ThreadLocal<>();

    private final Map<String, String> given;
    private final Function<String, String> environment;
    private final Map<String, Key<?>> declared = new LinkedHashMap<>();
    private final Map<String, String> resolved = new TreeMap<>();
    private final List<Registration> registrations = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final java.nio.file.Path root;

    /** A job list registered under a name (Mirage's {@code register "www" [...]}). */
    public record Registration(String name, List<Impl<dev.morgana.types.Job>> jobs) {}

    /**
     * @param given keys from the command line (they win, and must all be known)
     * @param environment looks up keys in the environment (null if unset)
     */
    public ConfigContext(Map<String, String> given, Function<String, String> environment) {
        this(given, environment, java.nio.file.Path.of("").toAbsolutePath());
    }

    /** As above, with the project root that relative paths in the config are resolved against. */
    public ConfigContext(Map<String, String> given, Function<String, String> environment, java.nio.file.Path root) {
        this.given = Map.copyOf(given);
        this.environment = environment;
        this.root = root;
    }

    /** The project root. */
    java.nio.file.Path root() {
        return root;
    }

    /** Records a line for the user (a generated certificate's fingerprint, say). */
    void note(String line) {
        notes.add(line);
    }

    /** The notes the config left, in order. */
    public List<String> notes() {
        return Collections.unmodifiableList(notes);
    }

    static ConfigContext current() {
        ConfigContext context = CURRENT.get();
        if (context == null) {
            throw new IllegalStateException("no configuration is being evaluated: run configs through `make configure`");
        }
        return context;
    }

    /** Runs {@code config} with this context installed, then checks that every given key was used. */
    public void evaluate(Runnable config) {
        CURRENT.set(this);
        try {
            config.run();
        } finally {
            CURRENT.remove();
        }
        for (String name : new TreeSet<>(given.keySet())) {
            if (!declared.containsKey(name)) {
                throw new ConfigException("unknown key " + name + "; this configuration accepts: "
                        + String.join(", ", new TreeSet<>(declared.keySet())));
            }
        }
        if (registrations.isEmpty()) {
            throw new ConfigException("the configuration registered no job: call register(\"name\", job)");
        }
    }

    <T> T value(Key<T> key) {
        Key<?> earlier = declared.putIfAbsent(key.name(), key);
        if (earlier != null && !earlier.equals(key)) {
            throw new ConfigException("key " + key.name() + " is declared twice with different definitions");
        }
        String text = given.get(key.name());
        String source = "command line";
        if (text == null) {
            text = environment.apply(key.name());
            source = "environment";
        }
        if (text == null || text.isEmpty()) {
            text = key.defaultValue();
            source = "default";
        }
        try {
            T value = key.parser().apply(text);
            resolved.put(key.name(), text);
            return value;
        } catch (IllegalArgumentException e) {
            throw new ConfigException("bad value '" + text + "' for key " + key.name() + " (from the " + source + "): "
                    + e.getMessage());
        }
    }

    void register(String name, List<Impl<dev.morgana.types.Job>> jobs) {
        if (!name.matches("[a-z][a-z0-9-]{0,62}")) {
            throw new ConfigException("appliance name '" + name + "' must be lower-case letters, digits and '-'");
        }
        if (jobs.isEmpty()) {
            throw new ConfigException("register(\"" + name + "\") needs at least one job");
        }
        registrations.add(new Registration(name, List.copyOf(jobs)));
    }

    /** The registrations, in order. */
    public List<Registration> registrations() {
        return Collections.unmodifiableList(registrations);
    }

    /** Every key the config read, with the text of its value, sorted by name. */
    public Map<String, String> resolvedKeys() {
        return Collections.unmodifiableMap(resolved);
    }

    /** The keys the config declared, in declaration order. */
    public List<Key<?>> declaredKeys() {
        return List.copyOf(declared.values());
    }
}
