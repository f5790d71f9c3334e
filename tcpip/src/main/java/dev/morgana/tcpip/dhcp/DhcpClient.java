package dev.morgana.tcpip.dhcp;

import dev.morgana.tcpip.wire.DhcpMessage;
import dev.morgana.types.Ipv4Address;
import dev.morgana.types.MacAddress;
import dev.morgana.types.Random;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A DHCP client (RFC 2131 section 4.4, options of RFC 2132), sans-IO: messages and a time in,
 * {@link DhcpEvent}s out, and {@link #nextDeadline()} for its timers.
 *
 * <p>INIT sends DISCOVER; SELECTING takes the first OFFER and sends REQUEST; REQUESTING waits for
 * ACK or NAK (back to INIT). After an ACK, PROBING asks the runtime to check the address by ARP
 * ({@link DhcpEvent.Probe}) and binds a second later unless told {@link #addressInUse}, which
 * sends DECLINE. BOUND renews by unicast at T1 (RENEWING), rebroadcasts at T2
 * (REBINDING) and gives the address up at expiry. Retransmissions back off exponentially from 4 s
 * to 64 s with ±1 s of randomness (4.1); a NAK restarts after a short random pause.
 */
public final class DhcpClient {

    /** The client's states (RFC 2131 figure 5). */
    public enum State { INIT, SELECTING, REQUESTING, PROBING, BOUND, RENEWING, REBINDING }

    private static final long SECOND = 1_000_000_000L;
    private static final long FIRST_RETRY = 4 * SECOND;
    private static final long MAX_RETRY = 64 * SECOND;
    /** REQUESTs sent for one offer before starting over. */
    private static final int MAX_REQUESTS = 4;
    private static final long MIN_RENEW_RETRY = 60 * SECOND;
    /** ARP probes of a new address, and the time between them (RFC 5227 waits longer; we keep start-up short). */
    private static final int PROBES = 2;
    private static final long PROBE_INTERVAL = SECOND / 2;
    /** Wait after declining an address in use (RFC 2131 3.1 step 5: at least 10 seconds). */
    private static final long DECLINE_PAUSE = 10 * SECOND;
    /** Options asked of the server (option 55). */
    private static final byte[] PARAMETERS = {DhcpMessage.OPT_SUBNET_MASK, DhcpMessage.OPT_ROUTER, DhcpMessage.OPT_DNS,
        DhcpMessage.OPT_LEASE_TIME, DhcpMessage.OPT_RENEWAL_TIME, DhcpMessage.OPT_REBINDING_TIME};

    private final MacAddress mac;
    private final Random random;
    private State state = State.INIT;
    private int xid;
    private long deadline = Long.MAX_VALUE;
    private long retry;
    private int requests;
    private long requestSentAt;
    private Ipv4Address offered = Ipv4Address.ANY;
    private Ipv4Address offerServer = Ipv4Address.ANY;
    private Lease lease;
    private Lease probing;
    private int probesSent;
    private long declines;
    private long malformed;
    private long ignored;
    private long naks;

    public DhcpClient(MacAddress mac, Random random) {
        this.mac = mac;
        this.random = random;
    }

    public State state() {
        return state;
    }

    public Optional<Lease> lease() {
        return Optional.ofNullable(lease);
    }

    /** When {@link #poll} next has work; {@link Long#MAX_VALUE} if never. */
    public long nextDeadline() {
        return deadline;
    }

    /** Starts from INIT: sends the first DISCOVER. */
    public List<DhcpEvent> start(long now) {
        List<DhcpEvent> out = new ArrayList<>();
        discover(now, out);
        return out;
    }

    private void discover(long now, List<DhcpEvent> out) {
        state = State.SELECTING;
        xid = random.nextInt();
        retry = FIRST_RETRY;
        out.add(broadcast(discoverMessage()));
        deadline = now + jitter(retry);
    }

    private DhcpMessage discoverMessage() {
        return request(DhcpMessage.DISCOVER, Ipv4Address.ANY, Map.of(DhcpMessage.OPT_PARAMETER_LIST, PARAMETERS));
    }

    private long jitter(long base) {
        // Uniform in [base - 1 s, base + 1 s] (RFC 2131 4.1).
        long r = Integer.toUnsignedLong(random.nextInt()) % (2 * SECOND + 1);
        return Math.max(SECOND / 2, base - SECOND + r);
    }

    private DhcpMessage request(int type, Ipv4Address ciaddr, Map<Integer, byte[]> extra) {
        Map<Integer, byte[]> options = new java.util.TreeMap<>(extra);
        options.put(DhcpMessage.OPT_MESSAGE_TYPE, new byte[] {(byte) type});
        byte[] clientId = new byte[7];
        clientId[0] = 1;
        System.arraycopy(mac.toBytes(), 0, clientId, 1, 6);
        options.put(DhcpMessage.OPT_CLIENT_ID, clientId);
        // Broadcast flag: we cannot receive unicast to an address we do not have yet.
        return new DhcpMessage(DhcpMessage.BOOTREQUEST, xid, 0, ciaddr.equals(Ipv4Address.ANY), ciaddr, Ipv4Address.ANY,
                Ipv4Address.ANY, Ipv4Address.ANY, mac, options);
    }

    private static DhcpEvent.Send broadcast(DhcpMessage m) {
        return new DhcpEvent.Send(m, m.ciaddr(), Ipv4Address.BROADCAST);
    }

    private DhcpMessage selectingRequest() {
        return request(DhcpMessage.REQUEST, Ipv4Address.ANY, Map.of(
                DhcpMessage.OPT_REQUESTED_IP, offered.toBytes(),
                DhcpMessage.OPT_SERVER_ID, offerServer.toBytes(),
                DhcpMessage.OPT_PARAMETER_LIST, PARAMETERS));
    }

    /** Handles a message received on port 68. */
    public List<DhcpEvent> input(DhcpMessage m, long now) {
        List<DhcpEvent> out = new ArrayList<>();
        if (m.op() != DhcpMessage.BOOTREPLY || m.xid() != xid || !m.chaddr().equals(mac)) {
            ignored++;
            return out;
        }
        int type = m.messageType();
        switch (state) {
            case SELECTING -> {
                if (type == DhcpMessage.OFFER && validAddress(m.yiaddr()) && m.address(DhcpMessage.OPT_SERVER_ID).isPresent()) {
                    offered = m.yiaddr();
                    offerServer = m.address(DhcpMessage.OPT_SERVER_ID).get();
                    state = State.REQUESTING;
                    requests = 1;
                    retry = FIRST_RETRY;
                    requestSentAt = now;
                    out.add(broadcast(selectingRequest()));
                    deadline = now + jitter(retry);
                } else {
                    ignored++;
                }
            }
            case REQUESTING, RENEWING, REBINDING -> {
                if (type == DhcpMessage.ACK && validAddress(m.yiaddr()) && state == State.REQUESTING) {
                    // A new address: check by ARP that nobody uses it before binding (RFC 2131 4.4.1).
                    probing = leaseFrom(m);
                    state = State.PROBING;
                    probesSent = 1;
                    deadline = now + PROBE_INTERVAL;
                    out.add(new DhcpEvent.Probe(probing.address()));
                } else if (type == DhcpMessage.ACK && validAddress(m.yiaddr())) {
                    bind(leaseFrom(m), out);
                } else if (type == DhcpMessage.NAK && (state != State.REQUESTING || fromServer(m, offerServer))) {
                    naks++;
                    if (lease != null) {
                        out.add(new DhcpEvent.Unbound("DHCP server refused the lease (NAK)"));
                    }
                    lease = null;
                    restartAfterPause(now);
                } else {
                    ignored++;
                }
            }
            default -> ignored++;
        }
        return out;
    }

    private static boolean fromServer(DhcpMessage m, Ipv4Address server) {
        return m.address(DhcpMessage.OPT_SERVER_ID).map(server::equals).orElse(true);
    }

    private static boolean validAddress(Ipv4Address a) {
        int b = a.bits();
        return b != 0 && b != -1 && (b >>> 28) != 0xe && (b >>> 24) != 127;
    }

    private void restartAfterPause(long now) {
        state = State.INIT;
        // Short random pause so a refused client does not hammer the server (RFC 2131 3.1 step 5 suggests waiting).
        deadline = now + SECOND + Integer.toUnsignedLong(random.nextInt()) % SECOND;
    }

    /**
     * Reports that {@code address} answered an ARP probe or was probed by another host while we
     * checked it: the client declines it and starts over after a pause.
     */
    public List<DhcpEvent> addressInUse(Ipv4Address address, long now) {
        List<DhcpEvent> out = new ArrayList<>();
        if (state != State.PROBING || !address.equals(probing.address())) {
            return out;
        }
        declines++;
        out.add(broadcast(request(DhcpMessage.DECLINE, Ipv4Address.ANY, Map.of(
                DhcpMessage.OPT_REQUESTED_IP, address.toBytes(), DhcpMessage.OPT_SERVER_ID, probing.server().toBytes()))));
        probing = null;
        state = State.INIT;
        deadline = now + DECLINE_PAUSE;
        return out;
    }

    private void bind(Lease newLease, List<DhcpEvent> out) {
        lease = newLease;
        state = State.BOUND;
        deadline = lease.t1();
        out.add(new DhcpEvent.Bound(lease));
    }

    private Lease leaseFrom(DhcpMessage ack) {
        Ipv4Address server = ack.address(DhcpMessage.OPT_SERVER_ID).orElse(lease != null ? lease.server() : offerServer);
        long leaseSeconds = Math.max(ack.seconds(DhcpMessage.OPT_LEASE_TIME).orElse(3600L), 10L);
        long t1 = ack.seconds(DhcpMessage.OPT_RENEWAL_TIME).orElse(leaseSeconds / 2);
        long t2 = ack.seconds(DhcpMessage.OPT_REBINDING_TIME).orElse(leaseSeconds * 7 / 8);
        if (t2 > leaseSeconds || t2 <= 0) {
            t2 = leaseSeconds * 7 / 8;
        }
        if (t1 > t2 || t1 <= 0) {
            t1 = Math.min(leaseSeconds / 2, t2);
        }
        Ipv4Address mask = ack.address(DhcpMessage.OPT_SUBNET_MASK).filter(DhcpClient::contiguous)
                .orElseGet(() -> defaultMask(ack.yiaddr()));
        Optional<Ipv4Address> router = ack.addresses(DhcpMessage.OPT_ROUTER).stream().findFirst();
        return new Lease(ack.yiaddr(), mask, router, ack.addresses(DhcpMessage.OPT_DNS), server,
                Duration.ofSeconds(leaseSeconds), Duration.ofSeconds(t1), Duration.ofSeconds(t2), requestSentAt);
    }

    private static boolean contiguous(Ipv4Address mask) {
        int m = mask.bits();
        return Integer.bitCount(m) == Integer.numberOfLeadingZeros(~m);
    }

    private static Ipv4Address defaultMask(Ipv4Address a) {
        int first = a.bits() >>> 24;
        return new Ipv4Address(first < 128 ? 0xff000000 : first < 192 ? 0xffff0000 : 0xffffff00);
    }

    /** Runs the timers: retransmission, renewal at T1, rebinding at T2, expiry. */
    public List<DhcpEvent> poll(long now) {
        List<DhcpEvent> out = new ArrayList<>();
        if (now - deadline < 0) {
            return out;
        }
        switch (state) {
            case INIT -> discover(now, out);
            case SELECTING -> {
                retry = Math.min(MAX_RETRY, retry * 2);
                out.add(broadcast(discoverMessage()));
                deadline = now + jitter(retry);
            }
            case REQUESTING -> {
                if (requests >= MAX_REQUESTS) {
                    discover(now, out);
                } else {
                    requests++;
                    retry = Math.min(MAX_RETRY, retry * 2);
                    out.add(broadcast(selectingRequest()));
                    deadline = now + jitter(retry);
                }
            }
            case PROBING -> {
                if (probesSent < PROBES) {
                    probesSent++;
                    deadline = now + PROBE_INTERVAL;
                    out.add(new DhcpEvent.Probe(probing.address()));
                } else {
                    Lease checked = probing;
                    probing = null;
                    bind(checked, out);
                }
            }
            case BOUND -> {
                state = State.RENEWING;
                renew(now, out);
            }
            case RENEWING -> {
                if (now - lease.t2() >= 0) {
                    state = State.REBINDING;
                }
                renew(now, out);
            }
            case REBINDING -> {
                if (now - lease.expiry() >= 0) {
                    lease = null;
                    out.add(new DhcpEvent.Unbound("DHCP lease expired"));
                    discover(now, out);
                } else {
                    renew(now, out);
                }
            }
        }
        return out;
    }

    private void renew(long now, List<DhcpEvent> out) {
        xid = random.nextInt();
        requestSentAt = now;
        DhcpMessage m = request(DhcpMessage.REQUEST, lease.address(), Map.of());
        boolean renewing = state == State.RENEWING;
        out.add(new DhcpEvent.Send(m, lease.address(), renewing ? lease.server() : Ipv4Address.BROADCAST));
        // Retry after half the time left to T2 (renewing) or to expiry (rebinding), at least 60 s (4.4.5).
        long limit = renewing ? lease.t2() : lease.expiry();
        deadline = Math.min(limit, now + Math.max(MIN_RENEW_RETRY, (limit - now) / 2));
    }

    /** Counts a message on port 68 that did not parse. */
    public void countMalformed() {
        malformed++;
    }

    public DhcpStats stats() {
        return new DhcpStats(state, malformed, ignored, naks, declines);
    }

    /** Counters of the DHCP client. */
    public record DhcpStats(State state, long malformed, long ignored, long naks, long declines) {}
}
