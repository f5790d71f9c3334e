package dev.morgana.fat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.morgana.types.kv.Encoding;
import dev.morgana.types.kv.KvNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class FileBlockTest {

    private Path tmp;

    @BeforeEach
    void setUp() throws IOException {
        tmp = Files.createTempDirectory("fat-block-");
    }

    @AfterEach
    void tearDown() {
        Sites.delete(tmp);
    }

    @Test
    void readsWholeSectorsOfAnImageFileReadOnly() throws IOException {
        byte[] bytes = Sites.random(512 * 10 + 100, 9); // a trailing partial sector is not addressable
        Path file = Files.write(tmp.resolve("disk.img"), bytes);
        try (FileBlock block = FileBlock.open(file)) {
            assertEquals(512, block.sectorSize());
            assertEquals(10, block.sectors());
            assertTrue(block.readOnly());
            assertEquals(file.toString(), block.name());
            ByteBuffer two = ByteBuffer.allocate(1024);
            block.read(3, two);
            assertArrayEquals(Arrays.copyOfRange(bytes, 1536, 2560), two.array());
            ByteBuffer direct = ByteBuffer.allocateDirect(512);
            block.read(9, direct);
            assertEquals(bytes[9 * 512 + 7], direct.get(7));
            assertThrows(IllegalArgumentException.class, () -> block.read(0, ByteBuffer.allocate(100)));
            assertThrows(IllegalArgumentException.class, () -> block.read(9, ByteBuffer.allocate(1024)));
            assertThrows(IllegalArgumentException.class, () -> block.read(-1, ByteBuffer.allocate(512)));
            assertThrows(IllegalArgumentException.class, () -> block.read(Long.MAX_VALUE, ByteBuffer.allocate(512)));
            assertThrows(IOException.class, () -> block.write(0, ByteBuffer.allocate(512)));
        }
        assertArrayEquals(bytes, Files.readAllBytes(file));
    }

    @Test
    void sizesByLseekAsForDeviceNodes() throws IOException {
        Path file = Files.write(tmp.resolve("sized.img"), new byte[123_456]);
        assertEquals(123_456, DeviceSize.of(file));
        assertThrows(IOException.class, () -> DeviceSize.of(tmp.resolve("missing")));
    }

    @Test
    void missingFileIsAnIoException() {
        assertThrows(IOException.class, () -> FileBlock.open(tmp.resolve("missing.img")));
    }

    @Test
    void servesASiteFromALinuxBlockDeviceNode() throws Exception {
        assumeTrue(Files.exists(Path.of("/dev/loop-control")), () -> skip("no loop devices on this machine"));
        Map<String, byte[]> site = Sites.sample();
        byte[] image = Images.build(tmp, site, FatOptions.Type.FAT16);
        Path file = Files.write(tmp.resolve("device.img"), image);
        Tools.Run attach = Tools.run("losetup", "--find", "--show", "--read-only", file.toString());
        assumeTrue(attach.exit() == 0, () -> skip("losetup failed (needs root): " + attach.stderr().strip()));
        Path device = Path.of(attach.out().strip());
        try (FileBlock block = FileBlock.open(device)) {
            assertEquals(image.length / 512, block.sectors());
            assertEquals(image.length, DeviceSize.of(device));
            FatKvRo kv = FatKvRo.mount(block);
            assertEquals("fat:" + device, kv.name());
            for (Map.Entry<String, byte[]> e : site.entrySet()) {
                KvNode.File f = (KvNode.File) kv.find(e.getKey()).orElseThrow();
                assertArrayEquals(e.getValue(), FatKvRoTest.bytes(kv.read(f, Encoding.IDENTITY, 0, e.getValue().length)));
            }
        } finally {
            Tools.Run detach = Tools.run("losetup", "--detach", device.toString());
            assertEquals(0, detach.exit(), detach.stderr());
        }
    }

    private static String skip(String reason) {
        System.out.println("SKIP: " + reason);
        return reason;
    }
}
