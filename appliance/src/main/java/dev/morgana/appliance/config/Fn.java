package dev.morgana.appliance.config;

/**
 * The phantom type of a functor from {@code A} to {@code B} (OCaml's {@code 'a -> 'b} in
 * Mirage's {@code @->}). No value of it ever exists: it only lets javac check that
 * {@link Dsl#apply} gives each foreign module arguments of the right module types.
 */
public interface Fn<A, B> {}
