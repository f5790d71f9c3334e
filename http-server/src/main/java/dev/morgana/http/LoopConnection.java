package dev.morgana.http;

import dev.morgana.types.Flow;
import dev.morgana.types.http.HttpResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;

/**
 * One connection served by a {@link SelectorLoop}: reads what epoll reports ready into its
 * buffer, answers every complete request there in order (pipelining) through the same
 * {@link Exchange} as {@link Http1Connection}, and writes the answers with one system call per
 * batch, waiting for OP_WRITE when the socket takes less.
 *
 * <p>The loop serves only the common case: a keep-alive GET, HEAD, OPTIONS or other method
 * without a body or an Expect field, whose target parses and whose answer is in memory. The
 * first request outside it (a parse error, a body, "Connection: close", a streamed answer)
 * hands the whole connection, with the bytes still unconsumed, to an {@link Http1Connection} on
 * a virtual thread, which parses them again: the rare paths keep exactly one implementation.
 * A handler that cannot answer without blocking ({@code handleNow} returned null) is called on
 * a virtual thread, and the connection waits (neither reading nor parsing) until its answer
 * comes back to the loop. Confined to the loop's thread.
 */
final class LoopConnection {

    private final SelectorLoop loop;
    private final SocketChannel channel;
    /** The stack's flow over {@link #channel}: its remote address, and the connection once handed over. */
    private final Flow flow;
    private final LoopServer server;
    private final RequestParser parser;
    private final InputWindow input;
    private SelectionKey key;
    /** Output the socket did not take yet, in order. */
    private final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>();
    /** A handler runs on a virtual thread for this connection's current request. */
    private boolean busy;
    private boolean closed;
    /** The current request's deadline is set; {@link #idle} says whether it is the idle one. */
    private boolean armed;
    private boolean idle;
    /** Monotonic nanoseconds after which the connection is closed; {@link Long#MAX_VALUE} for none. */
    long deadline = Long.MAX_VALUE;

    LoopConnection(SelectorLoop loop, SocketChannel channel, Flow flow, LoopServer server) {
        this.loop = loop;
        this.channel = channel;
        this.flow = flow;
        this.server = server;
        this.parser = new RequestParser(server.options());
        this.input = new InputWindow(parser.maxHeadBytes());
    }

    /** Registers with the loop's selector for reading and arms the idle deadline. */
    void register() throws IOException {
        channel.configureBlocking(false);
        key = channel.register(loop.selector(), SelectionKey.OP_READ, this);
        armForRequest();
    }

    void onReadable() throws IOException {
        if (!fill()) {
            close();
            return;
        }
        serve();
    }

    void onWritable() throws IOException {
        if (writePending()) {
            serve();
        }
    }

    /** The answer computed on a virtual thread arrives (on the loop's thread). */
    void resume(RequestHead head, Exchange.Reply reply) throws IOException {
        busy = false;
        if (closed) {
            return;
        }
        if (!emit(head, reply)) {
            return;
        }
        serve();
    }

    /** Answers every complete request buffered, until output backs up or a handler must block. */
    private void serve() throws IOException {
        ByteBuffer out = loop.out();
        while (!busy && pending.isEmpty()) {
            armForRequest();
            if (input.isEmpty()) {
                break;
            }
            ParseResult result = parser.parse(input.array(), input.start(), input.available());
            if (result instanceof ParseResult.NeedMore) {
                if (idle) { // the first bytes of a request: the client now has the header timeout
                    arm(server.options().headerTimeout().toNanos(), false);
                }
                break;
            }
            if (!(result instanceof ParseResult.Complete(RequestHead head, int length)) || !plain(head)) {
                handOver(null, null);
                return;
            }
            RequestTarget target = Exchange.target(head);
            if (target == null) { // Http1Connection refuses it
                handOver(null, null);
                return;
            }
            input.consume(length);
            armed = false;
            HttpResponse response = server.exchange().answer(head, target, flow.remote(), true);
            if (response == null) {
                block(head, target);
                break;
            }
            if (!emit(head, server.exchange().reply(head, response, Exchange.connection(head)))) {
                return;
            }
        }
        flush(out);
        interest();
    }

    /** A request the loop answers itself: keep-alive, no body, no expectation. */
    private static boolean plain(RequestHead head) {
        return head.keepAlive() && head.framing() instanceof RequestHead.Fixed(long length) && length == 0
                && head.headers().first("Expect").isEmpty();
    }

    /**
     * Queues one reply behind earlier ones: into the loop's output buffer when it fits, else
     * written as it is (a large in-memory body is not copied). False if the connection was
     * handed over (a streamed body) and is no longer this loop's.
     */
    private boolean emit(RequestHead head, Exchange.Reply reply) throws IOException {
        // No type switch here: a keep-alive GET comes this way, and a pattern switch links (spins
        // a class) at its first use, in the first request's time. Plain type tests do not.
        HttpResponse.Body content = reply.body();
        if (content instanceof HttpResponse.Streamed) { // written by a thread that may block
            handOver(head, reply);
            return false;
        }
        ByteBuffer out = loop.out();
        ResponseWriter.Head h = reply.head();
        ByteBuffer body = content instanceof HttpResponse.Bytes(ByteBuffer data) ? data.duplicate() : null; // else Empty
        int bodySize = body == null ? 0 : body.remaining();
        int size = h.size() + bodySize;
        if (size > out.remaining()) {
            flush(out);
        }
        if (pending.isEmpty() && size <= out.remaining()) {
            h.writeTo(out);
            if (body != null) {
                out.put(body);
            }
        } else {
            ByteBuffer headBytes = h.writeTo(ByteBuffer.allocate(h.size())).flip();
            if (pending.isEmpty()) {
                channel.write(body == null ? new ByteBuffer[] {headBytes} : new ByteBuffer[] {headBytes, body});
            }
            keep(headBytes);
            if (body != null) {
                keep(body);
            }
        }
        server.exchange().log(flow.remote(), head, reply.status(), bodySize);
        return true;
    }

    private void keep(ByteBuffer b) {
        if (b.hasRemaining()) {
            if (pending.isEmpty()) {
                arm(server.options().sendTimeout().toNanos(), false);
            }
            pending.add(b);
        }
    }

    /** Writes the loop's output buffer; what the socket does not take is copied and kept. */
    private void flush(ByteBuffer out) throws IOException {
        if (out.position() == 0) {
            return;
        }
        out.flip();
        if (pending.isEmpty()) {
            channel.write(out);
        }
        if (out.hasRemaining()) {
            ByteBuffer rest = ByteBuffer.allocate(out.remaining()).put(out).flip();
            keep(rest);
        }
        out.clear();
    }

    /** Writes kept output; true once all of it is gone. */
    private boolean writePending() throws IOException {
        ByteBuffer[] all = pending.toArray(ByteBuffer[]::new);
        channel.write(all);
        while (!pending.isEmpty() && !pending.peekFirst().hasRemaining()) {
            pending.removeFirst();
        }
        if (pending.isEmpty()) {
            armed = false;
            return true;
        }
        return false;
    }

    /** Reads more bytes after those buffered (see {@link InputWindow}); false at end of stream. */
    private boolean fill() throws IOException {
        return input.received(channel.read(input.room()));
    }

    /** Arms the idle or header deadline once per request, as Http1Connection does. */
    private void armForRequest() {
        if (!armed) {
            boolean waiting = input.isEmpty();
            arm((waiting ? server.options().idleTimeout() : server.options().headerTimeout()).toNanos(), waiting);
        }
    }

    private void arm(long nanos, boolean isIdle) {
        deadline = server.options().clock().monotonicNanos() + nanos;
        armed = true;
        idle = isIdle;
    }

    /** Calls a handler that may block on a virtual thread; the connection waits for its answer. */
    private void block(RequestHead head, RequestTarget target) {
        busy = true;
        deadline = Long.MAX_VALUE;
        Thread.ofVirtual().name("http-handler").start(() -> {
            Exchange exchange = server.exchange();
            Exchange.Reply reply = exchange.reply(head,
                    exchange.answer(head, target, flow.remote(), false), Exchange.connection(head));
            loop.execute(() -> {
                try {
                    resume(head, reply);
                } catch (IOException e) {
                    close(); // the peer went away
                } catch (RuntimeException e) {
                    close();
                    throw e;
                }
            });
        });
    }

    /** Asks the selector for what this connection waits for now. */
    private void interest() {
        if (closed || !key.isValid()) {
            return;
        }
        // earlier answers still go out while a handler runs; reading waits for it
        int ops = !pending.isEmpty() ? SelectionKey.OP_WRITE : busy ? 0 : SelectionKey.OP_READ;
        if (key.interestOps() != ops) {
            key.interestOps(ops);
        }
    }

    /**
     * Gives the connection to an {@link Http1Connection} on a virtual thread: the loop lets go of
     * the channel (the hand-over completes once the selector has deregistered it), then the
     * thread sends what is still pending, {@code reply} if any, and serves the rest.
     */
    private void handOver(RequestHead head, Exchange.Reply reply) throws IOException {
        flush(loop.out());
        closed = true;
        key.cancel();
        ByteBuffer[] output = pending.toArray(ByteBuffer[]::new);
        byte[] unconsumed = input.unconsumed();
        loop.handOver(this, () -> server.takeOver(channel, flow, unconsumed, output, head, reply));
    }

    /** Whether the connection's deadline has passed at {@code now}. */
    boolean expired(long now) {
        return deadline != Long.MAX_VALUE && now - deadline >= 0;
    }

    /** Closes the connection (peer gone, timeout, error) and gives back its slot. Idempotent. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        loop.forget(this);
        flow.close();
        server.release();
    }
}
