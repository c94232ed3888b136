package halo.vrrp;

/** Recorder as a base class (Lan nodes extend it). */
class RecorderBase implements VrrpActions {
    final Recorder rec = new Recorder();

    @Override public void sendAdvert(InstanceMachine instance, int priority) { rec.sendAdvert(instance, priority); }
    @Override public void addVirtualAddresses(InstanceMachine instance) { rec.addVirtualAddresses(instance); }
    @Override public void removeVirtualAddresses(InstanceMachine instance) { rec.removeVirtualAddresses(instance); }
    @Override public void sendGratuitousArps(InstanceMachine instance, int repeat) { rec.sendGratuitousArps(instance, repeat); }
    @Override public void runScript(String command, java.util.List<String> extraArgs, boolean stop) { rec.runScript(command, extraArgs, stop); }
    @Override public void writeFifo(String line) { rec.writeFifo(line); }
    @Override public void log(String line) { rec.log(line); }
}
