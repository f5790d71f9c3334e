package dev.morgana.fat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.morgana.types.kv.Encoding;
import dev.morgana.types.kv.KvNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Crafted damaged images: each gives a clear error at mount or on reading the damaged file. */
@Timeout(60)
class BadImageTest {

    private static Path tmp;
    private static byte[] fat16;
    private static byte[] fat32;

    @BeforeAll
    static void buildImages() throws IOException {
        tmp = Files.createTempDirectory("fat-bad-");
        fat16 = Images.build(tmp, Sites.sample(), FatOptions.Type.FAT16);
        fat32 = Images.build(tmp, Sites.sample(), FatOptions.Type.FAT32);
    }

    @AfterAll
    static void cleanUp() {
        Sites.delete(tmp);
    }

    private static byte[] image(FatOptions.Type type) {
        return (type == FatOptions.Type.FAT16 ? fat16 : fat32).clone();
    }

    private static FatFormatException mountFails(byte[] image, String expected) {
        FatFormatException e = assertThrows(FatFormatException.class, () -> Images.mount(image));
        assertTrue(e.getMessage().contains(expected), "message: " + e.getMessage());
        return e;
    }

    @Test
    void bytesThatAreNotFatAreRejected() {
        mountFails(Sites.random(1 << 20, 7), "not a FAT file system");
        mountFails(new byte[1 << 20], "not a FAT file system");
        mountFails("<!doctype html>\n".repeat(100).getBytes(StandardCharsets.UTF_8), "not a FAT file system");
        mountFails(new byte[0], "not a FAT file system");
    }

    @ParameterizedTest
    @EnumSource(value = FatOptions.Type.class, names = {"FAT16", "FAT32"})
    void truncatedImageIsRejected(FatOptions.Type type) {
        byte[] full = image(type);
        mountFails(Arrays.copyOf(full, full.length / 2), "truncated FAT image");
        mountFails(Arrays.copyOf(full, full.length - 512), "truncated FAT image");
    }

    @ParameterizedTest
    @EnumSource(value = FatOptions.Type.class, names = {"FAT16", "FAT32"})
    void clusterLoopInTheFatIsRejected(FatOptions.Type type) throws IOException {
        byte[] image = image(type);
        DirEntry blob = Images.entry(image, "big/blob.bin");
        FatGeometry g = Images.volume(image).geometry();
        Images.putFatEntry(image, g, blob.firstCluster() + 2, blob.firstCluster());
        mountFails(image, "reached twice");
    }

    @ParameterizedTest
    @EnumSource(value = FatOptions.Type.class, names = {"FAT16", "FAT32"})
    void clusterNumberPastTheEndIsRejected(FatOptions.Type type) throws IOException {
        byte[] image = image(type);
        DirEntry blob = Images.entry(image, "big/blob.bin");
        FatGeometry g = Images.volume(image).geometry();
        Images.putFatEntry(image, g, blob.firstCluster(), g.clusterCount() + 50);
        mountFails(image, "past the volume");

        byte[] second = image(type);
        DirEntry hidden = Images.entry(second, ".hidden");
        Images.putFirstCluster(second, hidden.offset(), g.clusterCount() + 2);
        mountFails(second, "first cluster");
    }

    @ParameterizedTest
    @EnumSource(value = FatOptions.Type.class, names = {"FAT16", "FAT32"})
    void chainRunningIntoAFreeClusterIsRejected(FatOptions.Type type) throws IOException {
        byte[] image = image(type);
        DirEntry blob = Images.entry(image, "big/blob.bin");
        Images.putFatEntry(image, Images.volume(image).geometry(), blob.firstCluster() + 5, 0);
        mountFails(image, "free cluster");
    }

    @ParameterizedTest
    @EnumSource(value = FatOptions.Type.class, names = {"FAT16", "FAT32"})
    void absurdFileSizesAreRejected(FatOptions.Type type) throws IOException {
        byte[] image = image(type);
        Images.putInt(image, Images.entry(image, ".hidden").offset() + 28, 0xFFFFFFF0);
        mountFails(image, "exceeds the volume");

        byte[] longer = image(type);
        Images.putInt(longer, Images.entry(longer, "style.css").offset() + 28, 200_000);
        mountFails(longer, "chain ends after");
    }

    @ParameterizedTest
    @EnumSource(value = FatOptions.Type.class, names = {"FAT16", "FAT32"})
    void directoryLoopsAreRejected(FatOptions.Type type) throws IOException {
        byte[] image = image(type);
        DirEntry docs = Images.entry(image, "docs");
        DirEntry deepest = Images.entry(image, "docs/api/deep/deeper/deepest");
        Images.putFirstCluster(image, deepest.offset(), docs.firstCluster());
        mountFails(image, "reached twice");

        byte[] self = image(type);
        DirEntry api = Images.entry(self, "docs/api");
        DirEntry deep = Images.entry(self, "docs/api/deep");
        Images.putFirstCluster(self, deep.offset(), api.firstCluster());
        mountFails(self, "reached twice");

        byte[] toRoot = image(type);
        Images.putFirstCluster(toRoot, Images.entry(toRoot, "docs/api").offset(), 0);
        mountFails(toRoot, "no clusters");
    }

    @Test
    void crossLinkedFilesAreRejected() throws IOException {
        byte[] image = image(FatOptions.Type.FAT16);
        DirEntry blob = Images.entry(image, "big/blob.bin");
        Images.putFirstCluster(image, Images.entry(image, ".hidden").offset(), blob.firstCluster());
        mountFails(image, "reached twice");
    }

    @Test
    void damagedBootSectorFieldsAreRejected() {
        byte[] spc = image(FatOptions.Type.FAT16);
        spc[0x0D] = 3;
        mountFails(spc, "sectors per cluster");
        byte[] bps = image(FatOptions.Type.FAT16);
        Images.putShort(bps, 0x0B, 100);
        mountFails(bps, "bytes per sector");
        byte[] fats = image(FatOptions.Type.FAT16);
        fats[0x10] = 0;
        mountFails(fats, "fats=0");
        byte[] root = image(FatOptions.Type.FAT32);
        Images.putInt(root, 0x2C, 0x0FFFFFF0);
        mountFails(root, "root cluster");
        byte[] huge = image(FatOptions.Type.FAT16);
        Images.putShort(huge, 0x13, 0);
        Images.putInt(huge, 0x20, 0x7FFFFFFF);
        mountFails(huge, "truncated");
    }

    @Test
    void invalidNamesInTheImageAreRejected() throws IOException {
        byte[] image = image(FatOptions.Type.FAT16);
        long at = Images.entry(image, "noextension").offset();
        image[(int) at] = '.';
        image[(int) at + 1] = '.';
        for (int i = 2; i < 11; i++) {
            image[(int) at + i] = ' ';
        }
        // the long name no longer matches its short entry's checksum, so the short name ".." is used
        mountFails(image, "invalid file name");

        byte[] slash = image(FatOptions.Type.FAT16);
        long index = Images.entry(slash, "index.html").offset();
        slash[(int) index - 32 + 1] = '/'; // first character of the long name, in the entry before
        mountFails(slash, "invalid file name \"/ndex.html\"");
    }

    @Test
    void deviceThatShrinksAfterMountFailsOnlyTheFilesItLost() throws Exception {
        Path copy = tmp.resolve("shrinking.img");
        Files.write(copy, fat16);
        try (FileBlock block = FileBlock.open(copy)) {
            FatKvRo kv = FatKvRo.mount(block);
            KvNode.File blob = (KvNode.File) kv.find("big/blob.bin").orElseThrow();
            KvNode.File hidden = (KvNode.File) kv.find(".hidden").orElseThrow();
            long blobAt = Images.volume(fat16).geometry().clusterOffset(Images.entry(fat16, "big/blob.bin").firstCluster());
            long hiddenAt = Images.volume(fat16).geometry().clusterOffset(Images.entry(fat16, ".hidden").firstCluster());
            assertTrue(hiddenAt < blobAt, "test assumes the .hidden file lies before big/blob.bin");
            try (FileChannel ch = FileChannel.open(copy, StandardOpenOption.WRITE)) {
                ch.truncate(blobAt + 4096);
            }
            IOException e = assertThrows(IOException.class, () -> kv.read(blob, Encoding.IDENTITY, 0, 300_000));
            assertTrue(e.getMessage().contains("unexpected end"), e.getMessage());
            assertArrayEquals(Sites.sample().get(".hidden"),
                    FatKvRoTest.bytes(kv.read(hidden, Encoding.IDENTITY, 0, 1000)));
        }
    }
}
