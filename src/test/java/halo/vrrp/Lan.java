package halo.vrrp;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A lossless LAN for tests: an advert sent at time t reaches every other started instance with the same VRID at
 * t + delay, in send order. Partitioned nodes hear nothing and are heard by nobody.
 */
final class Lan {
    record Delivery(long at, InstanceMachine from, int priority) {}

    final long delay;
    long now;
    final List<Node> nodes = new ArrayList<>();
    final ArrayDeque<Delivery> queue = new ArrayDeque<>();
    final List<String> timeline = new ArrayList<>();

    Lan(long start, long delay) {
        this.now = start;
        this.delay = delay;
    }

    final class Node extends RecorderBase {
        final String name;
        final IpAddress address;
        final List<InstanceMachine> instances = new ArrayList<>();
        boolean partitioned;

        Node(String name, String address) {
            this.name = name;
            this.address = IpAddress.parse(address);
        }

        InstanceMachine add(InstanceSpec.Builder spec) {
            InstanceMachine i = new InstanceMachine(spec.sourceAddress(address).build(), this);
            instances.add(i);
            return i;
        }

        @Override
        public void sendAdvert(InstanceMachine instance, int priority) {
            super.sendAdvert(instance, priority);
            if (!partitioned) {
                queue.add(new Delivery(now + delay, instance, priority));
            }
        }

        @Override
        public void stateChanged(InstanceMachine instance, VrrpState from, VrrpState to, TransitionReason reason) {
            timeline.add((now - start) / 1_000 + "us " + name + " " + instance.name() + " " + from + "->" + to + " "
                    + reason);
        }
    }

    private long start;

    Node node(String name, String address) {
        Node n = new Node(name, address);
        nodes.add(n);
        start = now;
        return n;
    }

    void runUntil(long until) {
        for (int guard = 0; guard < 10_000_000; guard++) {
            long at = Long.MAX_VALUE;
            InstanceMachine timer = null;
            for (Node n : nodes) {
                for (InstanceMachine i : n.instances) {
                    if (i.nextDeadline() < at) {
                        at = i.nextDeadline();
                        timer = i;
                    }
                }
            }
            Delivery d = queue.peek();
            if (d != null && d.at() <= at && d.at() <= until) {
                queue.poll();
                now = Math.max(now, d.at());
                deliver(d);
                continue;
            }
            if (timer == null || at > until) {
                now = until;
                return;
            }
            now = Math.max(now, at);
            timer.onTimer(now);
        }
        throw new AssertionError("runaway");
    }

    private void deliver(Delivery d) {
        InstanceSpec from = d.from().spec();
        for (Node n : nodes) {
            if (n.partitioned) {
                continue;
            }
            for (InstanceMachine i : n.instances) {
                if (i != d.from() && i.spec().virtualRouterId() == from.virtualRouterId() && !n.instances.contains(d.from())
                        && passesReceiveChecks(i.spec(), from, d.priority())) {
                    i.onAdvert(now, d.priority(), from.advertIntervalOnWire(), d.from().sourceAddress());
                }
            }
        }
    }

    /**
     * What the receive validator (AdvertValidator) lets through on a real host: a v2 advert only with our interval,
     * and only our address list unless the owner (priority 255) sends it.
     */
    private static boolean passesReceiveChecks(InstanceSpec receiver, InstanceSpec sender, int priority) {
        if (receiver.version() == 2 && receiver.advertIntervalOnWire() != sender.advertIntervalOnWire()) {
            return false;
        }
        return priority == InstanceSpec.PRIORITY_OWNER
                || receiver.virtualIpAddresses().equals(sender.virtualIpAddresses());
    }
}
