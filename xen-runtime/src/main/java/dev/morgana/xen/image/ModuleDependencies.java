package dev.morgana.xen.image;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a kernel's {@code modules.dep} (as {@code depmod} writes it) and orders the modules a VM
 * needs, with everything they depend on, so that each comes after its dependencies.
 */
public final class ModuleDependencies {

    /** Bounds the walk: a real kernel's chains are a few modules deep. */
    private static final int MAX_DEPTH = 64;

    private final Map<String, List<String>> dependencies = new HashMap<>();
    private final Map<String, String> pathByName = new HashMap<>();

    /**
     * @param modulesDep the text of modules.dep: lines {@code path.ko: dep.ko dep.ko}
     * @throws IllegalArgumentException for a line that is not of that form
     */
    public ModuleDependencies(String modulesDep) {
        for (String line : modulesDep.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("not a modules.dep line: " + line);
            }
            String module = line.substring(0, colon).strip();
            String rest = line.substring(colon + 1).strip();
            dependencies.put(module, rest.isEmpty() ? List.of() : List.of(rest.split("\\s+")));
            pathByName.put(nameOf(module), module);
        }
    }

    /** The module name of a path: {@code kernel/drivers/net/xen-netfront.ko} is xen_netfront. */
    static String nameOf(String path) {
        String file = path.substring(path.lastIndexOf('/') + 1);
        return file.replaceFirst("\\.ko(\\.[a-z]+)?$", "").replace('-', '_');
    }

    /**
     * The paths (relative to the modules directory) of {@code names} and their dependencies,
     * dependencies first, each once.
     *
     * @throws IllegalArgumentException if a module is unknown to this kernel
     */
    public List<String> loadOrder(List<String> names) {
        Set<String> ordered = new LinkedHashSet<>();
        for (String name : names) {
            String path = pathByName.get(name.replace('-', '_'));
            if (path == null) {
                throw new IllegalArgumentException("the kernel has no module " + name + " in modules.dep");
            }
            visit(path, ordered, 0);
        }
        return new ArrayList<>(ordered);
    }

    private void visit(String path, Set<String> ordered, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("module dependencies deeper than " + MAX_DEPTH + " at " + path);
        }
        if (ordered.contains(path)) {
            return;
        }
        for (String dependency : dependencies.getOrDefault(path, List.of())) {
            visit(dependency, ordered, depth + 1);
        }
        ordered.add(path);
    }
}
