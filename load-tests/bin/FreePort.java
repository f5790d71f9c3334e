/** Prints a loopback TCP port that was free a moment ago (run as `java FreePort.java`). */
void main() throws java.io.IOException {
    try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        System.out.println(socket.getLocalPort());
    }
}
