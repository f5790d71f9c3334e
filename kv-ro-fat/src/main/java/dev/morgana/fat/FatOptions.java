package dev.morgana.fat;

import java.time.Instant;
import java.util.Objects;

/**
 * How {@link FatImageBuilder} lays out an image.
 *
 * @param type FAT16, FAT32, or AUTO: FAT16 unless the site needs FAT32 (more than FAT16's root
 *     directory holds, or more than 2 GiB)
 * @param margin free space added to the smallest image that fits, as a fraction of it (0.1 = 10%)
 * @param epoch the fixed time stamped on every entry, whole seconds within FAT's 1980..2107
 */
public record FatOptions(Type type, double margin, Instant epoch) {

    /** The FAT variant to write. */
    public enum Type { AUTO, FAT16, FAT32 }

    /** The build's fixed epoch when SOURCE_DATE_EPOCH is unset: 2026-01-01T00:00:00Z. */
    public static final Instant DEFAULT_EPOCH = Instant.parse("2026-01-01T00:00:00Z");

    public FatOptions {
        Objects.requireNonNull(type);
        Objects.requireNonNull(epoch);
        if (!(margin >= 0 && margin <= 100)) {
            throw new IllegalArgumentException("margin must be between 0 and 100, got " + margin);
        }
        if (epoch.getNano() != 0) {
            throw new IllegalArgumentException("epoch must be whole seconds: " + epoch);
        }
        if (epoch.isBefore(DosTime.MIN) || epoch.isAfter(DosTime.MAX.plusSeconds(1))) {
            throw new IllegalArgumentException("epoch " + epoch + " is outside FAT's 1980..2107 range");
        }
    }

    /** AUTO, 10% margin, and the epoch from SOURCE_DATE_EPOCH or {@link #DEFAULT_EPOCH}. */
    public static FatOptions defaults() {
        return new FatOptions(Type.AUTO, 0.10, epochFromEnvironment());
    }

    /** SOURCE_DATE_EPOCH (seconds) if set, else {@link #DEFAULT_EPOCH}. */
    public static Instant epochFromEnvironment() {
        String value = System.getenv("SOURCE_DATE_EPOCH");
        if (value == null || value.isBlank()) {
            return DEFAULT_EPOCH;
        }
        try {
            return Instant.ofEpochSecond(Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("SOURCE_DATE_EPOCH is not a number of seconds: " + value);
        }
    }

    public FatOptions withType(Type newType) {
        return new FatOptions(newType, margin, epoch);
    }

    public FatOptions withMargin(double newMargin) {
        return new FatOptions(type, newMargin, epoch);
    }

    public FatOptions withEpoch(Instant newEpoch) {
        return new FatOptions(type, margin, newEpoch);
    }
}
