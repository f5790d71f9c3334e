package dev.morgana.appliance.config;

import java.util.Objects;

/**
 * A module type: a value that stands for a Java interface of module {@code types} (or a
 * functor type built with {@link #fn}). Mirage's {@code 'a typ}.
 *
 * @param <T> the interface, or a {@link Fn} for functor types
 */
public final class Typ<T> {

    private final String name;
    private final String javaType;
    private final Typ<?> argument;
    private final Typ<?> result;
    private final boolean device;

    private Typ(String name, String javaType, boolean device, Typ<?> argument, Typ<?> result) {
        this.name = name;
        this.javaType = javaType;
        this.device = device;
        this.argument = argument;
        this.result = result;
    }

    /** A module type for the interface {@code type}. */
    public static <T> Typ<T> of(String name, Class<T> type) {
        return new Typ<>(name, type.getName(), dev.morgana.types.Device.class.isAssignableFrom(type), null, null);
    }

    /** The functor type {@code a @-> b}. */
    public static <A, B> Typ<Fn<A, B>> fn(Typ<A> a, Typ<B> b) {
        return new Typ<>(a.name + " @-> " + b.name, null, false, Objects.requireNonNull(a), Objects.requireNonNull(b));
    }

    /** The type's name as the config and errors show it ("stackv4", "console @-> job"). */
    public String name() {
        return name;
    }

    /** True for functor types. */
    public boolean isFunctor() {
        return argument != null;
    }

    /** The fully qualified interface name of a non-functor type. */
    public String javaType() {
        if (isFunctor()) {
            throw new IllegalStateException(name + " is a functor type");
        }
        return javaType;
    }

    /** True if values of this type are {@link dev.morgana.types.Device}s, closed at shutdown. */
    public boolean isDevice() {
        return device;
    }

    /** The argument type of a functor type. */
    public Typ<?> argument() {
        return argument;
    }

    /** The result type of a functor type. */
    public Typ<?> result() {
        if (!isFunctor()) {
            throw new IllegalStateException(name + " is not a functor type");
        }
        return result;
    }

    /** The number of arguments a functor of this type takes before yielding a non-functor. */
    public int arity() {
        return isFunctor() ? 1 + result.arity() : 0;
    }

    @Override
    public String toString() {
        return name;
    }
}
