package dev.morgana.appliance.config;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A configuration key ({@code FS}, {@code PORT}, ...): its name, what it means, its default and
 * how its text is checked and turned into a value. Values come from the {@code make configure}
 * command line, else the environment, else the default.
 *
 * @param name the key's name, upper case
 * @param doc one line saying what it sets
 * @param defaultValue the value used when none is given, as text
 * @param accepted the accepted values for a choice key, else empty
 * @param parser turns text into a value, throwing {@link IllegalArgumentException} with a
 *     message that says what is accepted
 * @param <T> the value's type
 */
public record Key<T>(String name, String doc, String defaultValue, List<String> accepted, Function<String, T> parser) {

    public Key {
        Objects.requireNonNull(name);
        Objects.requireNonNull(doc);
        Objects.requireNonNull(defaultValue);
        accepted = List.copyOf(accepted);
        Objects.requireNonNull(parser);
    }

    /** A key whose value is one of {@code accepted}. */
    public static Key<String> choice(String name, String doc, String defaultValue, String... accepted) {
        List<String> values = List.of(accepted);
        if (!values.contains(defaultValue)) {
            throw new IllegalArgumentException("default " + defaultValue + " of key " + name + " is not among " + values);
        }
        return new Key<>(name, doc, defaultValue, values, text -> {
            if (!values.contains(text)) {
                throw new IllegalArgumentException("accepted values are " + String.join(", ", values));
            }
            return text;
        });
    }

    /** A key whose value is an integer in {@code [min, max]}. */
    public static Key<Integer> integer(String name, String doc, int defaultValue, int min, int max) {
        return new Key<>(name, doc, Integer.toString(defaultValue), List.of(), text -> {
            try {
                int value = Integer.parseInt(text);
                if (value >= min && value <= max) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // fall through to the message below
            }
            throw new IllegalArgumentException("accepted values are integers from " + min + " to " + max);
        });
    }

    /** A key whose value is true or false. */
    public static Key<Boolean> bool(String name, String doc, boolean defaultValue) {
        return new Key<>(name, doc, Boolean.toString(defaultValue), List.of("true", "false"), text -> switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("accepted values are true, false");
        });
    }

    /** A key whose value is free text, checked by {@code parser}. */
    public static <T> Key<T> of(String name, String doc, String defaultValue, Function<String, T> parser) {
        return new Key<>(name, doc, defaultValue, List.of(), parser);
    }

    /** This key's value in the configuration being evaluated. */
    public T get() {
        return ConfigContext.current().value(this);
    }
}
