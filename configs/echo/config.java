// A TCP echo service: a second, tiny appliance showing the eDSL is not tied to the static site.
import static dev.morgana.appliance.config.Dsl.*;

import dev.morgana.appliance.config.Key;

Key<Integer> port = Key.integer("PORT", "the TCP port to echo on", 7777, 1, 65535);

void main() {
    var console = defaultConsole();
    var stack = socketStackV4(console);
    var echo = foreign("dev.morgana.examples.Echo", fn(CONSOLE, STACKV4, INT, JOB), "examples");
    register("echo", apply(echo, console, stack, value(port.get())));
}
