package dev.morgana.xen.init;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The VM's poweroff command (run by the kernel on {@code xl shutdown}): sends SIGTERM to PID 1,
 * the appliance, which then stops gracefully.
 */
public final class StopRequest {

    private static final int SIGTERM = 15;

    private StopRequest() {}

    public static void main(String[] args) {
        terminate(1);
    }

    /** kill(pid, SIGTERM). */
    static void terminate(long pid) {
        Linker linker = Linker.nativeLinker();
        MethodHandle kill = linker.downcallHandle(linker.defaultLookup().find("kill").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        try {
            int rc = (int) kill.invokeExact((int) pid, SIGTERM);
            if (rc != 0) {
                System.out.println("morgana: could not signal pid " + pid);
            }
        } catch (Throwable t) {
            System.out.println("morgana: could not signal pid " + pid + ": " + t);
        }
    }
}
