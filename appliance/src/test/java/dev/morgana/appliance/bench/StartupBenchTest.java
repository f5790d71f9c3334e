package dev.morgana.appliance.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The "JIT threads" column: which kernel thread names are the JIT compilers', on either JDK. */
@Timeout(10)
class StartupBenchTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "C1 CompilerThre", "C2 CompilerThre", // JDK 25: the name cut at 15 characters
        "C1 Comp..hread0", "C2 Comp..hread0", "C1 Comp..hread1", // JDK 26, the small JDK: abbreviated
        "C1 CompilerThread0"}) // the full name, should a kernel keep it
    void compilerThreadsOfEitherJdkAreJit(String comm) {
        assertTrue(StartupBench.ThreadCpu.isJitThread(comm), comm);
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "VM Thread", "GC Thread#0", "Common-Cleaner", "Service Thread",
        "Monitor..Thread", "VM Peri..Thread", "Signal ..atcher", "C1", "c1 CompilerThre", "C3 Comp..hread0",
        "http-handler", ""})
    void otherThreadsAreNot(String comm) {
        assertFalse(StartupBench.ThreadCpu.isJitThread(comm), comm);
    }

    @Test
    void thisJvmsCompilerThreadsHaveUsedCpu() {
        Path tasks = Path.of("/proc/self/task");
        Assumptions.assumeTrue(Files.isDirectory(tasks), "no /proc here: ThreadCpu reads Linux's /proc");
        StartupBench.ThreadCpu threads = StartupBench.ThreadCpu.of(ProcessHandle.current().pid());
        // JUnit's start-up alone gets methods compiled, so a zero here means no thread matched.
        assertTrue(threads.jitNanos() > 0, "JIT threads: " + threads);
        assertTrue(threads.otherNanos() > 0, "other threads: " + threads);
    }
}
