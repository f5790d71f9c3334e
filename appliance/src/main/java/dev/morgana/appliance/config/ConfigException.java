package dev.morgana.appliance.config;

/** A configuration error the user can fix: an unknown key, a bad value, an unusable graph. */
public final class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }
}
