package dev.morgana.appliance.codegen;

import dev.morgana.appliance.FileTrees;
import dev.morgana.appliance.config.ConfigContext;
import dev.morgana.appliance.config.ConfigException;
import java.io.IOException;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles a config file ({@code configs/NAME/config.java}, a compact Java source file) against
 * the eDSL and runs it inside a {@link ConfigContext}. A type error in the device graph is a
 * javac error reported with the config's file and line.
 */
public final class ConfigEvaluator {

    private ConfigEvaluator() {}

    /** Compiles and runs {@code configFile}; returns the context holding its registrations. */
    public static ConfigContext evaluate(Path configFile, ConfigContext context) throws IOException {
        if (!Files.isRegularFile(configFile)) {
            throw new ConfigException("no config at " + configFile);
        }
        Path classes = Files.createTempDirectory("morgana-config");
        try {
            compile(configFile, classes);
            String className = configFile.getFileName().toString().replaceFirst("\\.java$", "");
            try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                    ConfigEvaluator.class.getClassLoader())) {
                Class<?> config;
                try {
                    config = loader.loadClass(className);
                } catch (ClassNotFoundException e) {
                    throw new ConfigException(configFile + " compiled to no class named " + className);
                }
                context.evaluate(() -> runMain(config));
            }
            return context;
        } finally {
            FileTrees.delete(classes);
        }
    }

    private static void compile(Path configFile, Path classes) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new ConfigException("configure needs a JDK (javac), not a bare runtime");
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            List<String> options = List.of("-d", classes.toString(),
                    "-classpath", System.getProperty("java.class.path"),
                    "--release", Integer.toString(Runtime.version().feature()),
                    "-implicit:none", "-Xlint:unchecked");
            StringWriter out = new StringWriter();
            boolean ok = javac.getTask(out, files, diagnostics, options, null,
                    files.getJavaFileObjects(configFile.toFile())).call();
            if (!ok) {
                StringBuilder message = new StringBuilder("the config does not compile:\n");
                for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                    if (d.getKind() == Diagnostic.Kind.ERROR) {
                        message.append("  ").append(configFile).append(':').append(d.getLineNumber()).append(": ")
                                .append(d.getMessage(Locale.ROOT).replace("\n", "\n    ")).append('\n');
                    }
                }
                throw new ConfigException(message.toString().stripTrailing());
            }
        }
    }

    private static void runMain(Class<?> config) {
        try {
            Method main;
            Object target = null;
            try {
                main = config.getDeclaredMethod("main", String[].class);
            } catch (NoSuchMethodException e) {
                main = config.getDeclaredMethod("main");
            }
            main.setAccessible(true);
            if (!java.lang.reflect.Modifier.isStatic(main.getModifiers())) {
                var constructor = config.getDeclaredConstructor();
                constructor.setAccessible(true);
                target = constructor.newInstance();
            }
            if (main.getParameterCount() == 1) {
                main.invoke(target, (Object) new String[0]);
            } else {
                main.invoke(target);
            }
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new ConfigException("the config failed: " + e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new ConfigException("the config has no usable main method: " + e);
        }
    }

}
