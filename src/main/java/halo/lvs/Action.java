package halo.lvs;

import halo.config.ScriptCommand;

/**
 * What the table asks the rest of Halo to do after an event, in the order keepalived does it. The table does no I/O:
 * the daemon writes the log lines, applies the changes to the data plane, runs the scripts and writes the FIFO lines.
 */
public sealed interface Action {

    /** A log line in keepalived's words (without the timestamp and process prefix). */
    record Log(String message) implements Action {}

    /** A line for the notify FIFO and the LVS notify FIFO, newline included: {@code RS [..]:tcp:80 [..]:tcp:80 UP\n}. */
    record Fifo(String line) implements Action {}

    /**
     * Run a notify_up / notify_down / quorum_up / quorum_down script. At shutdown keepalived runs them and waits at
     * most one second ({@code atShutdown}); otherwise they run in the background.
     */
    record RunScript(ScriptCommand script, boolean atShutdown) implements Action {}

    /** Start (true) or suspend (false) a checker: ha_suspend follows the virtual address. */
    record CheckerActivity(CheckerId checker, boolean enabled) implements Action {}

    /** A change to the load balancer's table, for the data plane (the IPVS -A/-E/-D/-a/-e/-d commands). */
    sealed interface TableChange extends Action {
        ServiceKey service();
    }

    record AddService(IpvsService definition) implements TableChange {
        @Override
        public ServiceKey service() {
            return definition.key();
        }
    }

    record EditService(IpvsService definition) implements TableChange {
        @Override
        public ServiceKey service() {
            return definition.key();
        }
    }

    record RemoveService(ServiceKey service) implements TableChange {}

    record AddDestination(ServiceKey service, IpvsDestination destination) implements TableChange {}

    record EditDestination(ServiceKey service, IpvsDestination destination) implements TableChange {}

    record RemoveDestination(ServiceKey service, DestinationKey destination) implements TableChange {}
}
