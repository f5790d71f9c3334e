package dev.morgana.crunch;

import dev.morgana.types.kv.Encoding;
import dev.morgana.types.kv.Keys;
import dev.morgana.types.kv.KvNode;
import dev.morgana.types.kv.KvRo;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The runtime {@link KvRo} over a crunch store built by {@link CrunchBuilder}: a resource
 * loaded once into native memory (from where it lies in its jar when stored there uncompressed),
 * or a file mapped read-only.
 *
 * <p>The whole index is checked when the store is opened, so a damaged store fails there with
 * a {@link CrunchException} and never later. Lookups are hash lookups in memory; reads return
 * read-only slices of the store without copying. The store's memory is released by the garbage
 * collector once the store and every buffer read from it are unreachable, so buffers stay valid
 * even after {@link #close()}. A mapped file must not be modified while it is open.
 */
public final class CrunchStore implements KvRo {

    private final String name;
    private final StoreBytes store;
    private final StoreIndex index;
    private volatile boolean closed;

    private CrunchStore(String name, StoreBytes store) throws CrunchException {
        this.name = name;
        this.store = store;
        this.index = StoreIndex.parse(store, name);
    }

    /**
     * Opens a store on the class path of {@code CrunchStore}'s class loader, such as
     * {@code "/morgana/htdocs.crunch"} (a leading '/' is optional), reading it into memory: from
     * where it lies in a local jar that keeps it uncompressed (a large one is mapped there, and
     * the jar must then not change while the store is open), else through the resource's URL.
     * The jar that holds this class is searched first: an appliance's build merges its class
     * path into one jar, which holds the store too, and reading that jar's directory directly
     * spares the class loader's resource lookup (it opens the runtime's module image and every
     * jar in Java code: some 6 ms of start-up, interpreted).
     *
     * @throws CrunchException if there is no such resource or it is not a valid store
     * @throws IOException if reading the resource fails
     */
    public static CrunchStore openResource(String resourceName) throws IOException {
        String path = resourceName.startsWith("/") ? resourceName.substring(1) : resourceName;
        Path ownJar = ownJar();
        StoreBytes inOwnJar = ownJar == null ? null : readStoredJarEntry(ownJar, path, READ_AT_ONCE_MAX);
        if (inOwnJar != null) {
            return new CrunchStore("crunch:" + resourceName, inOwnJar);
        }
        ClassLoader loader = CrunchStore.class.getClassLoader();
        return openResource(loader != null ? loader : ClassLoader.getSystemClassLoader(), resourceName);
    }

    /** The local jar this class was loaded from, or null (a class folder, another kind of source). */
    private static Path ownJar() {
        try {
            var source = CrunchStore.class.getProtectionDomain().getCodeSource();
            URL location = source == null ? null : source.getLocation();
            if (location == null || !"file".equals(location.getProtocol()) || !location.getPath().endsWith(".jar")) {
                return null;
            }
            return Path.of(location.toURI());
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            return null;
        }
    }

    /** Like {@link #openResource(String)}, looking the resource up in {@code loader}. */
    public static CrunchStore openResource(ClassLoader loader, String resourceName) throws IOException {
        return openResource(loader, resourceName, READ_AT_ONCE_MAX);
    }

    /** Like {@link #openResource(ClassLoader, String)}, mapping stores larger than {@code readAtOnceMax}. */
    static CrunchStore openResource(ClassLoader loader, String resourceName, int readAtOnceMax) throws IOException {
        String displayName = "crunch:" + resourceName;
        String path = resourceName.startsWith("/") ? resourceName.substring(1) : resourceName;
        URL url = loader.getResource(path);
        if (url == null) {
            throw new CrunchException(displayName + ": no such resource on the class path");
        }
        StoreBytes inPlace = readStoredJarEntry(url, path, readAtOnceMax);
        if (inPlace != null) {
            return new CrunchStore(displayName, inPlace);
        }
        URLConnection connection = url.openConnection();
        connection.setUseCaches(false); // a cached jar would stay open after we are done
        try (InputStream in = connection.getInputStream()) {
            return load(in, connection.getContentLengthLong(), displayName);
        }
    }

    /**
     * Stores up to this size, found uncompressed in a jar, are read into a direct buffer with one
     * system call; larger ones are mapped where they lie. Reading keeps the foreign-memory API
     * (whose first use spins method-handle classes) and {@code FileChannel.map}'s buffer form
     * (which builds its buffer by reflection) off the start path: some 10 ms each, interpreted.
     * The system property {@code morgana.crunch.readAtOnceMax} (bytes) overrides it: the VM image
     * sets 0, so the store is mapped where it lies and its pages stay page cache the guest's
     * kernel may drop, instead of a copy in the JVM's own memory (docs/xen.md, "Memory").
     */
    static final int READ_AT_ONCE_MAX = Integer.getInteger("morgana.crunch.readAtOnceMax", 64 * 1024 * 1024);

    /**
     * Takes the resource's bytes from where they lie in its jar, when it is a local jar holding
     * them uncompressed (the appliance's jar stores its store so), instead of streaming them
     * through {@code JarURLConnection} in small copies (65 ms of interpreted CPU for 4 MiB at
     * start). Null when that is not the case, or when the jar cannot be read this way; the
     * caller then reads the resource through its URL.
     */
    private static StoreBytes readStoredJarEntry(URL url, String entry, int readAtOnceMax) {
        if (!"jar".equals(url.getProtocol())) {
            return null;
        }
        String spec = url.getPath(); // file:/path/to/app.jar!/morgana/htdocs.crunch
        int separator = spec.indexOf("!/");
        if (separator < 0 || !spec.startsWith("file:")) {
            return null;
        }
        try {
            return readStoredJarEntry(Path.of(new URI(spec.substring(0, separator))), entry, readAtOnceMax);
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null; // read through the URL instead, which reports a real problem
        }
    }

    /** The bytes of {@code entry} where they lie in {@code jar}, or null if it does not hold them uncompressed. */
    private static StoreBytes readStoredJarEntry(Path jar, String entry, int readAtOnceMax) {
        try (FileChannel channel = FileChannel.open(jar, StandardOpenOption.READ)) {
            Optional<StoredZipEntry.Region> region = StoredZipEntry.find(channel, entry);
            if (region.isEmpty()) {
                return null;
            }
            long offset = region.get().offset();
            long length = region.get().length();
            if (length > readAtOnceMax) {
                return StoreBytes.of(channel.map(FileChannel.MapMode.READ_ONLY, offset, length, Arena.ofAuto()));
            }
            ByteBuffer bytes = ByteBuffer.allocateDirect((int) length);
            while (bytes.hasRemaining()) {
                if (channel.read(bytes, offset + bytes.position()) < 0) {
                    return null; // the jar shrank meanwhile
                }
            }
            return StoreBytes.of(bytes);
        } catch (IllegalArgumentException | IOException e) {
            return null; // read through the URL instead, which reports a real problem
        }
    }

    /**
     * Opens a store file, mapping it read-only.
     *
     * @throws CrunchException if the file is not a regular file holding a valid store
     * @throws IOException if the file cannot be opened or mapped
     */
    public static CrunchStore open(Path file) throws IOException {
        String displayName = "crunch:" + file;
        if (!Files.isRegularFile(file)) { // a FIFO would block the open
            throw new CrunchException(displayName + ": not a regular file");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            MemorySegment mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), Arena.ofAuto());
            return new CrunchStore(displayName, StoreBytes.of(mapped));
        }
    }

    /**
     * Reads a whole store from {@code in} into native memory. The header is read first so the
     * memory is allocated once at the right size; a header that announces more than the
     * stream's known length is refused before anything is allocated.
     *
     * @param knownLength the stream's length, or -1 if unknown
     */
    static CrunchStore load(InputStream in, long knownLength, String displayName) throws IOException {
        byte[] headerBytes = in.readNBytes(CrunchFormat.HEADER_LENGTH);
        long total = StoreIndex.Header.totalLength(StoreBytes.of(ByteBuffer.wrap(headerBytes)), displayName);
        if (knownLength >= 0 && knownLength != total) {
            throw StoreIndex.corrupt(displayName, "the header announces " + total + " bytes but the resource has "
                    + knownLength);
        }
        MemorySegment segment;
        if (knownLength >= 0) {
            segment = Arena.ofAuto().allocate(total, 8);
            MemorySegment.copy(MemorySegment.ofArray(headerBytes), 0, segment, 0, headerBytes.length);
            fill(in, segment, headerBytes.length, displayName);
        } else {
            segment = readUnknownLength(in, total, headerBytes, displayName);
        }
        if (in.read() != -1) {
            throw StoreIndex.corrupt(displayName, "bytes after the announced end of the store");
        }
        return new CrunchStore(displayName, StoreBytes.of(segment));
    }

    /** Copies the stream into {@code segment} from {@code from} to its end. */
    private static void fill(InputStream in, MemorySegment segment, long from, String displayName) throws IOException {
        byte[] chunk = new byte[64 * 1024];
        long position = from;
        while (position < segment.byteSize()) {
            int want = (int) Math.min(chunk.length, segment.byteSize() - position);
            int n = in.read(chunk, 0, want);
            if (n < 0) {
                throw StoreIndex.corrupt(displayName, "truncated at " + position + " of " + segment.byteSize() + " bytes");
            }
            MemorySegment.copy(MemorySegment.ofArray(chunk), 0, segment, position, n);
            position += n;
        }
    }

    /**
     * Without a known length, the header's length cannot be trusted for an allocation: read the
     * stream on the heap first (bounded by the announced length), then move it off-heap.
     */
    private static MemorySegment readUnknownLength(InputStream in, long total, byte[] header, String displayName)
            throws IOException {
        if (total > Integer.MAX_VALUE - 8) {
            throw StoreIndex.corrupt(displayName, "announces " + total + " bytes, too large for a resource of unknown length");
        }
        byte[] rest = in.readNBytes((int) total - header.length);
        if (rest.length != total - header.length) {
            throw StoreIndex.corrupt(displayName, "truncated at " + (header.length + rest.length) + " of " + total + " bytes");
        }
        MemorySegment segment = Arena.ofAuto().allocate(total, 8);
        MemorySegment.copy(MemorySegment.ofArray(header), 0, segment, 0, header.length);
        MemorySegment.copy(MemorySegment.ofArray(rest), 0, segment, header.length, rest.length);
        return segment;
    }

    @Override
    public String name() {
        return name;
    }

    /** Finds a file or directory; keys that are not valid (see {@link Keys#isValid}) find nothing. */
    @Override
    public Optional<KvNode> find(String key) {
        Objects.requireNonNull(key, "key");
        checkOpen();
        if (!Keys.isValid(key)) {
            return Optional.empty();
        }
        StoreIndex.Entry entry = index.entries().get(key);
        return entry == null ? Optional.empty() : Optional.of(entry.node());
    }

    /**
     * Returns a read-only slice of the store, shared with it: no bytes are copied.
     *
     * @throws IllegalArgumentException if {@code file} is not a file of this store (as returned
     *     by {@link #find}), has no such variant, or {@code offset}/{@code length} are out of range
     */
    @Override
    public ByteBuffer read(KvNode.File file, Encoding variant, long offset, int length) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(variant, "variant");
        checkOpen();
        StoreIndex.Entry entry = index.entries().get(file.key());
        // Identity first: the store hands out its own nodes, and a record's generated equals is
        // linked at its first call, spinning classes at run time (the first request's path).
        if (entry == null || (entry.node() != file && !entry.node().equals(file))) {
            throw new IllegalArgumentException("not a file of " + name + ": " + file.key());
        }
        long variantLength = file.length(variant);
        if (offset < 0 || offset > variantLength) {
            throw new IllegalArgumentException("offset " + offset + " outside 0.." + variantLength + " of " + file.key());
        }
        if (length < 0) {
            throw new IllegalArgumentException("negative length " + length);
        }
        long start = (variant == Encoding.GZIP ? entry.gzipOffset() : entry.identityOffset()) + offset;
        long count = Math.min(length, variantLength - offset);
        return store.slice(start, count).asReadOnlyBuffer();
    }

    /** Every file key, sorted by UTF-8 bytes (directories are not listed). */
    @Override
    public List<String> keys() {
        checkOpen();
        return index.fileKeys();
    }

    /** Marks the store closed; its memory goes with the last reference (see the class comment). */
    @Override
    public void close() {
        closed = true;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(name + " is closed");
        }
    }

    @Override
    public String toString() {
        return name + " (" + index.fileKeys().size() + " files, " + store.size() + " bytes)";
    }
}
