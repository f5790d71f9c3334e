package dev.morgana.types;

/**
 * A device: anything an appliance is assembled from (console, network, store, stack).
 *
 * <p>Devices are created connected by the generated {@code Main} in dependency order and
 * closed in reverse order. {@link #close()} is idempotent and never throws a checked
 * exception: a device that fails to release a resource reports it on its console.
 */
public interface Device extends AutoCloseable {

    /** A short human-readable name, used in logs ("socket-stack", "crunch:htdocs"). */
    String name();

    /** Releases the device's resources. Idempotent. */
    @Override
    void close();
}
