package dev.morgana.appliance.build;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.constantpool.StringEntry;
import java.lang.classfile.constantpool.Utf8Entry;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;

/**
 * Which jars of a class path, and which JDK modules, hold a class the main class can reach: the classes its constant
 * pool names (class references, and every class named in a descriptor or signature), then theirs,
 * transitively; string constants that name a class on the class path (Class.forName) and the
 * providers a reached jar declares for a reached service interface count as references too.
 * This over-approximates what the program can load, so a jar it leaves out is never loaded;
 * only reflection on a computed name could miss one, which is why the appliance tests serve
 * every site file through the linked class path.
 */
public final class ClassReachability {

    /** A class named in a descriptor or generic signature: "Lio/netty/util/AsciiString;". */
    private static final Pattern DESCRIPTOR_CLASS = Pattern.compile("L([\\w/$]+)[;<]");
    private static final String VERSIONS = "META-INF/versions/";
    private static final int MAX_CLASS_BYTES = 16 * 1024 * 1024;

    /** Where each class lives and what each jar provides as services. */
    private record Index(Map<String, Path> jarOf, Map<String, Integer> versionOf,
                         Map<String, List<String>> providers) {}

    private ClassReachability() {}

    /**
     * What the main class reaches.
     *
     * @param jars the jars holding at least one reachable class, in class-path order
     * @param jdkModules the JDK modules holding a reachable class, sorted
     * @param classes the reachable classes on the class path, by the jar that provides them
     *                (internal names: "io/netty/util/AsciiString")
     */
    public record Reach(List<Path> jars, SortedSet<String> jdkModules, Map<Path, SortedSet<String>> classes) {}

    /**
     * @param mainClass the binary name of the entry point ("Main")
     * @param classPath the jars, in class-path order (an earlier jar wins for a class)
     */
    public static Reach from(String mainClass, List<Path> classPath) throws IOException {
        Index index = index(classPath);
        Map<String, String> jdkPackages = jdkPackages();
        Set<String> reached = new HashSet<>();
        SortedSet<String> modules = new TreeSet<>(List.of("java.base"));
        Deque<String> work = new ArrayDeque<>();
        work.add(mainClass.replace('.', '/'));
        Set<Path> jars = new HashSet<>();
        Map<Path, JarFile> open = new HashMap<>();
        try {
            while (!work.isEmpty()) {
                String name = work.pop();
                Path jar = index.jarOf().get(name);
                if (jar == null) {
                    String module = jdkPackages.get(packageOf(name));
                    if (module != null) {
                        modules.add(module);
                    }
                    continue; // a JDK class, or a missing optional dependency
                }
                if (!reached.add(name)) {
                    continue;
                }
                jars.add(jar);
                JarFile file = open.computeIfAbsent(jar, ClassReachability::openJar);
                References refs = referencedBy(read(file, entryName(name, index.versionOf().get(name))));
                work.addAll(refs.classes());
                for (String named : refs.strings()) {
                    if (index.jarOf().containsKey(named) || jdkClassExists(named, jdkPackages)) {
                        work.add(named); // a class named in a string: perhaps Class.forName
                    }
                }
                work.addAll(index.providers().getOrDefault(name, List.of()));
            }
        } catch (UncheckedIOException e) {
            throw e.cause;
        } finally {
            for (JarFile f : open.values()) {
                f.close();
            }
        }
        Map<Path, SortedSet<String>> classes = new HashMap<>();
        for (String name : reached) {
            classes.computeIfAbsent(index.jarOf().get(name), k -> new TreeSet<>()).add(name);
        }
        return new Reach(classPath.stream().filter(jars::contains).toList(), modules, classes);
    }

    /**
     * The classes a class file names: surely (class references, descriptors, signatures) and
     * perhaps (string constants, in internal form, that may be class names).
     */
    record References(Set<String> classes, Set<String> strings) {}

    static References referencedBy(byte[] classBytes) {
        Set<String> out = new LinkedHashSet<>();
        Set<String> strings = new LinkedHashSet<>();
        for (PoolEntry entry : ClassFile.of().parse(classBytes).constantPool()) {
            switch (entry) {
                case ClassEntry c -> {
                    String n = c.asInternalName();
                    if (n.startsWith("[")) {
                        addDescriptorClasses(n, out);
                    } else {
                        out.add(n);
                    }
                }
                case StringEntry s -> strings.add(s.stringValue().replace('.', '/'));
                case Utf8Entry u -> addDescriptorClasses(u.stringValue(), out);
                default -> { }
            }
        }
        return new References(out, strings);
    }

    private static String packageOf(String internalName) {
        int slash = internalName.lastIndexOf('/');
        return slash < 0 ? "" : internalName.substring(0, slash);
    }

    /** Package (internal form) to module, for the JDK this build runs on (the one jlink links). */
    private static Map<String, String> jdkPackages() {
        Map<String, String> out = new HashMap<>();
        for (ModuleReference m : ModuleFinder.ofSystem().findAll()) {
            for (String p : m.descriptor().packages()) {
                out.put(p.replace('.', '/'), m.descriptor().name());
            }
        }
        return out;
    }

    private static boolean jdkClassExists(String internalName, Map<String, String> jdkPackages) {
        String module = jdkPackages.get(packageOf(internalName));
        if (module == null) {
            return false;
        }
        return Files.isRegularFile(FileSystems.getFileSystem(URI.create("jrt:/"))
                .getPath("/modules", module, internalName + ".class"));
    }

    private static void addDescriptorClasses(String text, Set<String> out) {
        if (text.indexOf('L') < 0 || text.indexOf(';') < 0) {
            return;
        }
        Matcher m = DESCRIPTOR_CLASS.matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
    }

    private static Index index(List<Path> classPath) throws IOException {
        Map<String, Path> jarOf = new HashMap<>();
        Map<String, Integer> versionOf = new HashMap<>();
        Map<String, List<String>> providers = new HashMap<>();
        int feature = Runtime.version().feature();
        for (Path jar : classPath) {
            try (JarFile file = new JarFile(jar.toFile())) {
                for (ZipEntry e : file.stream().toList()) {
                    String n = e.getName();
                    if (n.startsWith("META-INF/services/") && !e.isDirectory()) {
                        String service = n.substring("META-INF/services/".length()).replace('.', '/');
                        for (String line : new String(read(file, n), StandardCharsets.UTF_8).lines().toList()) {
                            String provider = line.replaceAll("#.*", "").strip();
                            if (!provider.isEmpty()) {
                                providers.computeIfAbsent(service, k -> new ArrayList<>()).add(provider.replace('.', '/'));
                            }
                        }
                        continue;
                    }
                    if (!n.endsWith(".class") || n.endsWith("module-info.class")) {
                        continue;
                    }
                    int version = 0;
                    String name = n;
                    if (n.startsWith(VERSIONS)) {
                        int slash = n.indexOf('/', VERSIONS.length());
                        try {
                            version = Integer.parseInt(n.substring(VERSIONS.length(), slash));
                        } catch (NumberFormatException | StringIndexOutOfBoundsException bad) {
                            continue;
                        }
                        if (version > feature) {
                            continue;
                        }
                        name = n.substring(slash + 1);
                    }
                    name = name.substring(0, name.length() - ".class".length());
                    Path owner = jarOf.putIfAbsent(name, jar);
                    if (owner == null || owner.equals(jar) && version > versionOf.getOrDefault(name, 0)) {
                        jarOf.put(name, jar);
                        versionOf.put(name, version);
                    }
                }
            }
        }
        return new Index(jarOf, versionOf, providers);
    }

    private static String entryName(String internalName, Integer version) {
        return version == null || version == 0 ? internalName + ".class"
                : VERSIONS + version + "/" + internalName + ".class";
    }

    private static byte[] read(JarFile file, String entry) throws IOException {
        ZipEntry e = file.getEntry(entry);
        if (e == null) {
            throw new IOException("no " + entry + " in " + file.getName());
        }
        if (e.getSize() > MAX_CLASS_BYTES) {
            throw new IOException(entry + " in " + file.getName() + " is larger than " + MAX_CLASS_BYTES + " bytes");
        }
        try (InputStream in = file.getInputStream(e)) {
            return in.readNBytes(MAX_CLASS_BYTES);
        }
    }

    private static JarFile openJar(Path jar) {
        try {
            return new JarFile(jar.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Carries an IOException out of computeIfAbsent. */
    private static final class UncheckedIOException extends RuntimeException {
        private final IOException cause;

        UncheckedIOException(IOException cause) {
            super(cause);
            this.cause = cause;
        }
    }
}
