package dev.morgana.appliance.codegen;

import dev.morgana.appliance.config.BuildStep;
import dev.morgana.appliance.config.ConfigContext.Registration;
import dev.morgana.appliance.config.ConfigException;
import dev.morgana.appliance.config.Expr;
import dev.morgana.appliance.config.Impl;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Turns a registered device graph into a plain Java {@code Main}: one statement per device, in
 * dependency order, each device built once however often it is referenced (equal impls are one
 * device), then the jobs handed to {@link dev.morgana.types.JobRunner}. No reflection: javac
 * type-checks the result when {@code make build} compiles it.
 */
public final class MainGenerator {

    /** The generated source and what the build needs for it. */
    public record Generated(String source, SortedSet<String> modules, List<BuildStep> steps) {}

    private final Map<Impl<?>, String> variables = new HashMap<>();
    private final Set<String> usedNames = new HashSet<>();
    private final List<String> statements = new ArrayList<>();
    private final List<String> deviceVariables = new ArrayList<>();
    private final Map<String, String> imports = new TreeMap<>(); // simple name -> qualified name
    private final SortedSet<String> modules = new TreeSet<>();
    private String console; // the first console built: the job runner logs there
    private final List<BuildStep> steps = new ArrayList<>();

    private MainGenerator() {}

    /**
     * Generates the Main for one registration.
     *
     * @param registration the appliance's name and jobs
     * @param header comment lines saying where the code came from (config file, keys)
     */
    public static Generated generate(Registration registration, List<String> header) {
        MainGenerator generator = new MainGenerator();
        generator.modules.add("types"); // JobRunner
        List<String> jobs = new ArrayList<>();
        for (Impl<?> job : registration.jobs()) {
            jobs.add(generator.emit(job));
        }
        String runner = generator.simpleName("dev.morgana.types.JobRunner");
        String list = generator.simpleName("java.util.List");
        String source = generator.render(registration.name(), header, runner, list, jobs);
        return new Generated(source, generator.modules, List.copyOf(generator.steps));
    }

    private String render(String name, List<String> header, String runner, String list, List<String> jobs) {
        StringBuilder sb = new StringBuilder();
        for (String line : header) {
            sb.append("// ").append(line).append('\n');
        }
        sb.append("// Do not edit: change the config and run `make configure` again.\n\n");
        for (String qualified : new TreeSet<>(imports.values())) {
            if (!qualified.startsWith("java.lang.") || qualified.indexOf('.', "java.lang.".length()) >= 0) {
                sb.append("import ").append(qualified).append(";\n");
            }
        }
        sb.append("\n/** The \"").append(name).append("\" appliance: builds its devices in dependency order, then runs its jobs. */\n");
        sb.append("public final class Main {\n\n");
        sb.append("    private Main() {}\n\n");
        sb.append("    public static void main(String[] args) {\n");
        sb.append("        try {\n");
        for (String statement : statements) {
            sb.append("            ").append(statement).append('\n');
        }
        sb.append("            ").append(runner).append(".run(\"").append(name).append("\", ")
                .append(consoleVariable()).append(",\n");
        sb.append("                    ").append(list).append(".of(").append(String.join(", ", jobs)).append("),\n");
        sb.append("                    ").append(list).append(".of(").append(String.join(", ", deviceVariables)).append("));\n");
        sb.append("        } catch (Exception e) {\n");
        sb.append("            ").append(runner).append(".failStart(\"").append(name).append("\", e);\n");
        sb.append("        }\n");
        sb.append("    }\n");
        sb.append("}\n");
        return sb.toString();
    }

    private String consoleVariable() {
        if (console == null) {
            throw new ConfigException("the device graph has no console: the job runner logs to one");
        }
        return console;
    }

    /** Emits the statements that build {@code impl} (once) and returns the expression naming it. */
    private String emit(Impl<?> impl) {
        String known = variables.get(impl);
        if (known != null) {
            return known;
        }
        String expression;
        String hint;
        switch (impl) {
            case Impl.Device<?> device -> {
                if (device.construction() instanceof Expr.Literal literal) {
                    return literal.javaSource(); // constants are inlined, not named
                }
                expression = render(device.construction());
                hint = device.variable();
                modules.addAll(device.modules());
                steps.addAll(device.steps());
            }
            case Impl.Applied<?, ?> applied -> {
                List<Impl<?>> arguments = new ArrayList<>();
                Impl<?> head = applied;
                while (head instanceof Impl.Applied<?, ?> a) {
                    arguments.addFirst(a.argument());
                    head = a.functor();
                }
                if (!(head instanceof Impl.Foreign<?> foreign)) {
                    throw new ConfigException("only foreign modules can be applied, not " + head);
                }
                if (impl.typ().isFunctor()) {
                    throw new ConfigException("foreign " + foreign.className() + " is applied to " + arguments.size()
                            + " of its " + foreign.typ().arity() + " arguments (" + foreign.typ() + ")");
                }
                List<String> rendered = arguments.stream().map(this::emit).toList();
                expression = "new " + simpleName(foreign.className()) + "(" + String.join(", ", rendered) + ")";
                hint = decapitalize(foreign.className().substring(foreign.className().lastIndexOf('.') + 1));
                modules.addAll(foreign.modules());
            }
            case Impl.Foreign<?> foreign -> throw new ConfigException(
                    "foreign " + foreign.className() + " is used without being applied to its arguments (" + foreign.typ() + ")");
        }
        String variable = freshName(hint);
        String type = simpleName(impl.typ().javaType());
        statements.add(type + " " + variable + " = " + expression + ";");
        variables.put(impl, variable);
        if (console == null && impl.typ().name().equals("console")) {
            console = variable;
        }
        if (impl.typ().isDevice()) {
            deviceVariables.add(variable);
        }
        return variable;
    }

    private String render(Expr expr) {
        return switch (expr) {
            case Expr.New n -> "new " + simpleName(n.className()) + "(" + renderAll(n.args()) + ")";
            case Expr.Static s -> simpleName(s.className()) + "." + s.method() + "(" + renderAll(s.args()) + ")";
            case Expr.Call c -> emit(c.receiver()) + "." + c.method() + "(" + renderAll(c.args()) + ")";
            case Expr.Ref r -> emit(r.impl());
            case Expr.Literal l -> l.javaSource();
        };
    }

    private String renderAll(List<Expr> args) {
        return args.stream().map(this::render).collect(Collectors.joining(", "));
    }

    /** The name to write for a class: its simple name, imported, unless that would clash. */
    private String simpleName(String qualified) {
        String simple = qualified.substring(qualified.lastIndexOf('.') + 1);
        String existing = imports.putIfAbsent(simple, qualified);
        return existing == null || existing.equals(qualified) ? simple : qualified;
    }

    private String freshName(String hint) {
        String name = hint;
        for (int i = 2; !usedNames.add(name) || name.equals("args") || name.equals("e"); i++) {
            name = hint + i;
        }
        return name;
    }

    private static String decapitalize(String name) {
        return Character.toLowerCase(name.charAt(0)) + name.substring(1);
    }

    /** Keys in a stable order, for the header comment. */
    public static String describeKeys(Map<String, String> keys) {
        return new TreeMap<>(keys).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" "));
    }
}
