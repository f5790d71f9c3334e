package dev.morgana.types;

/**
 * The application at the top of an appliance's device graph (Mirage's {@code job}): the
 * generated {@code Main} builds the devices, constructs the job with them and calls
 * {@link #run()}.
 */
public interface Job {

    /**
     * Runs the application. Returns when it is done (a batch job) or blocks until the thread is
     * interrupted (a server). An exception ends the appliance with a failure status.
     */
    void run() throws Exception;
}
