package dev.morgana.appliance.config;

import java.util.List;

/**
 * A Java expression in a generated Main, kept as structure so that the generator can name
 * variables and imports. Built by the device catalogue, never by hand in a config.
 */
public sealed interface Expr {

    /** {@code new ClassName(args...)}. */
    record New(String className, List<Expr> args) implements Expr {
        public New {
            args = List.copyOf(args);
        }
    }

    /** {@code ClassName.method(args...)}. */
    record Static(String className, String method, List<Expr> args) implements Expr {
        public Static {
            args = List.copyOf(args);
        }
    }

    /** {@code receiver.method(args...)}, where the receiver is another device. */
    record Call(Impl<?> receiver, String method, List<Expr> args) implements Expr {
        public Call {
            args = List.copyOf(args);
        }
    }

    /** The variable holding another implementation. */
    record Ref(Impl<?> impl) implements Expr {}

    /** A constant, already rendered as Java source ("8080", "\"/morgana/htdocs.crunch\""). */
    record Literal(String javaSource) implements Expr {}

    /** A string constant. */
    static Expr string(String value) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return new Literal(sb.append('"').toString());
    }

    /** An int constant. */
    static Expr integer(int value) {
        return new Literal(Integer.toString(value));
    }
}
