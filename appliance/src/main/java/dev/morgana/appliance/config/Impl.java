package dev.morgana.appliance.config;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A module implementation of type {@code T}: a device from the catalogue, a foreign module
 * (application code), or a functor applied to an argument. Mirage's {@code 'a impl}.
 *
 * <p>Impls are immutable values; evaluating a config builds a graph of them, and
 * {@code configure} turns the graph into Java statements.
 */
public sealed interface Impl<T> permits Impl.Device, Impl.Foreign, Impl.Applied {

    /** The module type this implements. */
    Typ<T> typ();

    /**
     * A device from the catalogue: how to construct it, what it needs at build time and which
     * Morgana modules its classes come from.
     *
     * @param typ its module type
     * @param variable the name hint for its variable in the generated Main ("console", "stack")
     * @param construction the Java expression that creates it
     * @param modules the Maven modules (artifactIds) its classes live in
     * @param steps work the build must do for it (crunching htdocs, say)
     */
    record Device<T>(Typ<T> typ, String variable, Expr construction, Set<String> modules, List<BuildStep> steps)
            implements Impl<T> {
        public Device {
            Objects.requireNonNull(typ);
            Objects.requireNonNull(variable);
            Objects.requireNonNull(construction);
            modules = Set.copyOf(modules);
            steps = List.copyOf(steps);
        }
    }

    /**
     * Application code: a class whose public constructor takes one argument per functor
     * parameter, in order. Mirage's {@code foreign "Unikernel.Main" (console @-> ... @-> job)}.
     *
     * @param typ its functor type
     * @param className the fully qualified class name
     * @param modules the Maven modules (artifactIds) the class lives in
     */
    record Foreign<T>(Typ<T> typ, String className, Set<String> modules) implements Impl<T> {
        public Foreign {
            Objects.requireNonNull(typ);
            Objects.requireNonNull(className);
            modules = Set.copyOf(modules);
        }
    }

    /** A functor applied to one argument (Mirage's {@code $}). */
    record Applied<A, B>(Impl<Fn<A, B>> functor, Impl<A> argument, Typ<B> typ) implements Impl<B> {
        public Applied {
            Objects.requireNonNull(functor);
            Objects.requireNonNull(argument);
            Objects.requireNonNull(typ);
        }
    }
}
