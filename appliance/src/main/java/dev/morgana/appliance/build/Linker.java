package dev.morgana.appliance.build;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Finds the jars an appliance needs: the Morgana modules its generated Main names, the
 * Morgana modules those depend on (read from their pom.xml), and each module's third-party
 * runtime jars (copied by Maven into {@code target/runtime-deps}). Nothing else is linked.
 */
public final class Linker {

    private static final String GROUP = "dev.morgana";

    private final Path root;

    /** @param root the project root, where each module is a folder */
    public Linker(Path root) {
        this.root = root;
    }

    /** The modules named plus every Morgana module they depend on at run time, sorted. */
    public SortedSet<String> closure(Set<String> modules) throws IOException {
        SortedSet<String> seen = new TreeSet<>();
        Deque<String> work = new ArrayDeque<>(modules);
        while (!work.isEmpty()) {
            String module = work.pop();
            if (seen.add(module)) {
                work.addAll(runtimeDependencies(module));
            }
        }
        return seen;
    }

    /**
     * The jars to put on the class path for {@code modules} (already closed over
     * dependencies), by file name, sorted, so the same modules always give the same list.
     */
    public List<Path> jars(SortedSet<String> modules) throws IOException {
        TreeMap<String, Path> byName = new TreeMap<>();
        for (String module : modules) {
            Path target = root.resolve(module).resolve("target");
            Path jar = moduleJar(module, target);
            byName.put(jar.getFileName().toString(), jar);
            Path deps = target.resolve("runtime-deps");
            if (Files.isDirectory(deps)) {
                try (var files = Files.list(deps)) {
                    for (Path dep : files.filter(p -> p.toString().endsWith(".jar")).toList()) {
                        byName.putIfAbsent(dep.getFileName().toString(), dep);
                    }
                }
            }
        }
        return new ArrayList<>(byName.values());
    }

    private static Path moduleJar(String module, Path target) throws IOException {
        if (Files.isDirectory(target)) {
            try (var files = Files.list(target)) {
                List<Path> jars = files.filter(p -> {
                    String name = p.getFileName().toString();
                    return name.startsWith(module + "-") && name.endsWith(".jar")
                            && !name.endsWith("-sources.jar") && !name.endsWith("-tests.jar");
                }).sorted().toList();
                if (jars.size() == 1) {
                    return jars.getFirst();
                }
            }
        }
        throw new IOException("module " + module + " is not built (no single " + target + "/" + module
                + "-*.jar): run `mvn package` (make build does)");
    }

    /** The project's version, from the root pom. */
    public String projectVersion() throws IOException {
        String version = text(parse(root.resolve("pom.xml")).getDocumentElement(), "version");
        if (version == null) {
            throw new IOException("no <version> in " + root.resolve("pom.xml"));
        }
        return version;
    }

    private List<String> runtimeDependencies(String module) throws IOException {
        Path pom = root.resolve(module).resolve("pom.xml");
        if (!Files.isRegularFile(pom)) {
            throw new IOException("unknown module " + module + ": no " + pom);
        }
        Document doc = parse(pom);
        List<String> out = new ArrayList<>();
        Element project = doc.getDocumentElement();
        for (Element dependencies : children(project, "dependencies")) {
            for (Element dependency : children(dependencies, "dependency")) {
                String group = text(dependency, "groupId");
                String scope = text(dependency, "scope");
                boolean optional = "true".equals(text(dependency, "optional"));
                if (GROUP.equals(group) && !optional && (scope == null || scope.equals("compile") || scope.equals("runtime"))) {
                    out.add(text(dependency, "artifactId"));
                }
            }
        }
        return out;
    }

    private static Document parse(Path pom) throws IOException {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return factory.newDocumentBuilder().parse(pom.toFile());
        } catch (ParserConfigurationException | SAXException e) {
            throw new IOException("cannot read " + pom + ": " + e.getMessage(), e);
        }
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node node = nodes.item(i);
            if (node instanceof Element e && e.getTagName().equals(name)) {
                out.add(e);
            }
        }
        return out;
    }

    private static String text(Element parent, String name) {
        List<Element> found = children(parent, name);
        return found.isEmpty() ? null : found.getFirst().getTextContent().trim();
    }
}
