package dev.morgana.types.kv;

/** The stored variants of a file's content. */
public enum Encoding {
    /** The file as it is. */
    IDENTITY,
    /** gzip-compressed, stored only where smaller than the identity content. */
    GZIP
}
