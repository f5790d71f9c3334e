package dev.morgana.fat;

import de.waldheinz.fs.fat.FatType;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * Chooses the FAT type and the size of an image: the smallest that fat32-lib can format and
 * that holds the site, found by trial builds in memory ({@link TrialBuild}).
 */
final class SizeSearch {

    /** Image sizes are multiples of this. */
    static final int STEP = 64 << 10;
    // fat32-lib's own limits: it refuses to format smaller FAT16/FAT32 or larger FAT16 volumes
    private static final long FAT16_MIN = 8400L * 512;
    private static final long FAT32_MIN = 66600L * 512;
    /** Images are built in a RamDisk, indexed by int. */
    private static final long MAX_IMAGE = Integer.MAX_VALUE / STEP * (long) STEP;
    private static final long FAT16_MAX = Math.min(MAX_IMAGE, 4194304L * 512 - STEP);

    private SizeSearch() {}

    /** The chosen type, the smallest fitting size, and the sizes that type allows. */
    record Layout(FatType type, long bytes, long min, long max) {}

    /** Searches the smallest size that holds the site, trying FAT16 first when AUTO. */
    static Layout smallestFit(SiteTree.Scan scan, SiteTree.Dir root, FatOptions options,
            Consumer<String> progress) throws IOException {
        if (options.type() != FatOptions.Type.FAT32) {
            try {
                Layout fat16 = search(scan, root, FatType.FAT16, FAT16_MIN, FAT16_MAX, progress);
                if (fat16 != null) {
                    return fat16;
                }
                if (options.type() == FatOptions.Type.FAT16) {
                    throw new FatBuildException("the site does not fit in a FAT16 image of at most "
                            + FAT16_MAX + " bytes; use FAT32");
                }
            } catch (TrialBuild.RootFull e) {
                if (options.type() == FatOptions.Type.FAT16) {
                    throw new FatBuildException("FAT16's fixed root directory cannot hold the " + e.entries
                            + " names at the top of the site; use FAT32 or move files into directories");
                }
            }
        }
        Layout fat32;
        try {
            fat32 = search(scan, root, FatType.FAT32, FAT32_MIN, MAX_IMAGE, progress);
        } catch (TrialBuild.RootFull e) {
            throw new AssertionError("FAT32 has no fixed root directory", e);
        }
        if (fat32 == null) {
            throw new FatBuildException("the site does not fit in an image of at most " + MAX_IMAGE + " bytes");
        }
        return fat32;
    }

    /**
     * Finds the smallest size that holds the site, to within a 64 KiB step: grows from a lower-bound
     * estimate until a trial fits, shrinks by the free space the fitting trial left (cluster
     * sizes only shrink with the image, so that still fits), then bisects whatever gap remains.
     */
    private static Layout search(SiteTree.Scan scan, SiteTree.Dir root, FatType type, long min, long max,
            Consumer<String> progress) throws IOException, TrialBuild.RootFull {
        long floor = align(min);
        long failed = floor - STEP;
        long fits = -1;
        TrialBuild.Trial fit = null;
        long size = align(Math.max(min, estimate(root)));
        for (; size <= max; size = align(size + size / 16 + STEP)) {
            fit = TrialBuild.attempt(root, scan.bytes(), type, size, progress, false);
            if (fit != null) {
                fits = size;
                break;
            }
            failed = size;
        }
        if (fit == null) {
            return null;
        }
        for (int i = 0; i < 4; i++) {
            long candidate = Math.max(floor, align(fits - fit.freeBytes()));
            if (candidate <= failed || candidate >= fits) {
                break;
            }
            TrialBuild.Trial smaller = TrialBuild.attempt(root, scan.bytes(), type, candidate, progress, false);
            if (smaller == null) {
                failed = candidate;
                break;
            }
            fits = candidate;
            fit = smaller;
        }
        // With the same cluster size, an image smaller than the used space cannot hold the site;
        // bisect only what is left above that.
        failed = Math.max(failed, Math.min(fits, align(fits - fit.freeBytes())) - STEP);
        while (fits - failed > STEP) {
            long mid = align(failed + (fits - failed) / 2);
            if (mid >= fits) {
                break;
            }
            if (TrialBuild.attempt(root, scan.bytes(), type, mid, progress, false) != null) {
                fits = mid;
            } else {
                failed = mid;
            }
        }
        return new Layout(type, fits, floor, max);
    }

    static long grow(long size, Layout layout) throws FatBuildException {
        long next = align(size + STEP);
        if (next > layout.max()) {
            throw new FatBuildException("the site does not fit in an image of at most " + layout.max() + " bytes");
        }
        return next;
    }

    /** A lower bound of the bytes the site occupies: contents and directories, sector-rounded. */
    private static long estimate(SiteTree.Dir dir) {
        long total = (long) (dir.children().size() + 2) * 32 * 3;
        for (SiteTree.Node n : dir.children()) {
            total += switch (n) {
                case SiteTree.Dir d -> estimate(d);
                case SiteTree.File f -> (f.size() + 511) / 512 * 512;
                case SiteTree.Blob b -> (b.bytes().length + 511) / 512 * 512;
            };
        }
        return total;
    }

    static long align(long bytes) {
        return (bytes + STEP - 1) / STEP * STEP;
    }
}
