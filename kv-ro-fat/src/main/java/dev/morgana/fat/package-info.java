/**
 * The site as a FAT file system: {@link dev.morgana.fat.FatImageBuilder} writes htdocs into a
 * reproducible FAT16/FAT32 image at build time, {@link dev.morgana.fat.FileBlock} opens an image
 * file or a block device node, and {@link dev.morgana.fat.FatKvRo} serves the site from it.
 *
 * <p>Design choices:
 * <ul>
 *   <li>Images are written with fat32-lib, then normalised (time stamps, volume id, label) so that
 *       the same site gives the same bytes and {@code fsck.fat -n} finds nothing to fix.</li>
 *   <li>The runtime does not use fat32-lib: a small reader of its own bounds every loop and every
 *       buffer by the device's size, and rejects damaged images with a
 *       {@link dev.morgana.fat.FatFormatException} at mount.</li>
 *   <li>Metadata is not stored in the image: ETags are computed at mount by hashing every file
 *       once, so they stay right for any FAT image, including ones made or edited by other
 *       tools, and cannot disagree with the content. The cost is one read of the site per mount
 *       (an 84 MB site mounts in about 2-3 s on a cold JVM).</li>
 *   <li>gzip variants, identical to the crunch store's, live under {@code /.morgana-gzip/}; they
 *       are attached to their files at mount only if they decompress to the file's content.</li>
 * </ul>
 */
package dev.morgana.fat;
