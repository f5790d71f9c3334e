package dev.morgana.types.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** An ordered, immutable list of header fields; names compare case-insensitively. */
public record HttpFields(List<Field> fields) {

    /** One field line. Names are kept as sent; values are trimmed of surrounding whitespace. */
    public record Field(String name, String value) {

        // equals and hashCode are written out, with the records' meaning: the generated ones are
        // linked by method handles at their first call, which cost the first response milliseconds.
        @Override
        public boolean equals(Object o) {
            return o instanceof Field f && f.name.equals(name) && f.value.equals(value);
        }

        @Override
        public int hashCode() {
            return 31 * name.hashCode() + value.hashCode();
        }
    }

    public static final HttpFields EMPTY = new HttpFields(List.of());

    public HttpFields {
        fields = List.copyOf(fields);
    }

    /** Equal to fields with the same lines in the same order (names compared as sent). */
    @Override
    public boolean equals(Object o) {
        return o instanceof HttpFields f && f.fields.equals(fields);
    }

    @Override
    public int hashCode() {
        return fields.hashCode();
    }

    /** Builds fields from alternating names and values. */
    public static HttpFields of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values must pair up");
        }
        List<Field> list = new ArrayList<>(namesAndValues.length / 2);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            list.add(new Field(namesAndValues[i], namesAndValues[i + 1]));
        }
        return new HttpFields(list);
    }

    /** The first value of {@code name}, if present. */
    public Optional<String> first(String name) {
        for (Field f : fields) {
            if (f.name().equalsIgnoreCase(name)) {
                return Optional.of(f.value());
            }
        }
        return Optional.empty();
    }

    /** Every value of {@code name}, in order. */
    public List<String> all(String name) {
        List<String> out = new ArrayList<>();
        for (Field f : fields) {
            if (f.name().equalsIgnoreCase(name)) {
                out.add(f.value());
            }
        }
        return out;
    }

    /** These fields plus one more at the end. */
    public HttpFields with(String name, String value) {
        List<Field> list = new ArrayList<>(fields);
        list.add(new Field(name, value));
        return new HttpFields(list);
    }
}
