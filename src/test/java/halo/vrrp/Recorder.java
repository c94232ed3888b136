package halo.vrrp;

import java.util.ArrayList;
import java.util.List;

/** A VrrpActions sink that records every action as a line, in order, with the virtual time it happened at. */
final class Recorder implements VrrpActions {
    final List<String> events = new ArrayList<>();
    final List<String> logs = new ArrayList<>();
    final List<String> fifo = new ArrayList<>();
    final List<String> scripts = new ArrayList<>();
    final List<Integer> adverts = new ArrayList<>();
    final List<String> transitions = new ArrayList<>();

    @Override
    public void sendAdvert(InstanceMachine instance, int priority) {
        adverts.add(priority);
        events.add(instance.name() + " advert " + priority);
    }

    @Override
    public void addVirtualAddresses(InstanceMachine instance) {
        events.add(instance.name() + " add VIPs");
    }

    @Override
    public void removeVirtualAddresses(InstanceMachine instance) {
        events.add(instance.name() + " remove VIPs");
    }

    @Override
    public void sendGratuitousArps(InstanceMachine instance, int repeat) {
        events.add(instance.name() + " garp " + repeat);
    }

    @Override
    public void runScript(String command, List<String> extraArgs, boolean stop) {
        String s = command + (extraArgs.isEmpty() ? "" : " " + String.join(" ", extraArgs)) + (stop ? " [stop]" : "");
        scripts.add(s);
        events.add("script " + s);
    }

    @Override
    public void writeFifo(String line) {
        fifo.add(line);
        events.add("fifo " + line);
    }

    @Override
    public void log(String line) {
        logs.add(line);
        events.add("log " + line);
    }

    @Override
    public void stateChanged(InstanceMachine instance, VrrpState from, VrrpState to, TransitionReason reason) {
        transitions.add(instance.name() + " " + from + "->" + to + " " + reason);
    }

    void clear() {
        events.clear();
        logs.clear();
        fifo.clear();
        scripts.clear();
        adverts.clear();
        transitions.clear();
    }
}
