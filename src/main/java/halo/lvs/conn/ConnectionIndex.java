package halo.lvs.conn;

/**
 * The lookup half of IPVS's connection table for one service: entries by protocol, client address and port, virtual
 * address and port (ip_vs_conn_in_get's and ip_vs_ct_in_get's match). Open addressing with linear probing over
 * the entries themselves, so a lookup allocates nothing.
 */
final class ConnectionIndex {
    private Connection[] slots = new Connection[64];
    private int size;

    int size() {
        return size;
    }

    Connection find(int protocol, long clientHigh, long clientLow, int clientPort, long virtualHigh,
                    long virtualLow, int virtualPort) {
        int h = hash(protocol, clientHigh, clientLow, clientPort, virtualHigh, virtualLow, virtualPort);
        int mask = slots.length - 1;
        for (int i = h & mask; ; i = (i + 1) & mask) {
            Connection c = slots[i];
            if (c == null) {
                return null;
            }
            if (c.hash == h && c.protocol == protocol && c.clientPort == clientPort && c.virtualPort == virtualPort
                    && c.clientLow == clientLow && c.clientHigh == clientHigh && c.virtualLow == virtualLow
                    && c.virtualHigh == virtualHigh) {
                return c;
            }
        }
    }

    void add(Connection c) {
        if ((size + 1) * 2 > slots.length) {
            grow();
        }
        c.hash = hash(c.protocol, c.clientHigh, c.clientLow, c.clientPort, c.virtualHigh, c.virtualLow,
                c.virtualPort);
        insert(c);
        size++;
    }

    /** Removes C if it is here (backward-shift deletion, so no tombstones). */
    boolean remove(Connection c) {
        int mask = slots.length - 1;
        int i = c.hash & mask;
        while (slots[i] != c) {
            if (slots[i] == null) {
                return false;
            }
            i = (i + 1) & mask;
        }
        slots[i] = null;
        size--;
        for (int j = (i + 1) & mask; slots[j] != null; j = (j + 1) & mask) {
            int home = slots[j].hash & mask;
            // Move slots[j] into the hole at i unless its home lies cyclically in (i, j].
            boolean homeBetween = i <= j ? (home > i && home <= j) : (home > i || home <= j);
            if (!homeBetween) {
                slots[i] = slots[j];
                slots[j] = null;
                i = j;
            }
        }
        return true;
    }

    private void insert(Connection c) {
        int mask = slots.length - 1;
        int i = c.hash & mask;
        while (slots[i] != null) {
            i = (i + 1) & mask;
        }
        slots[i] = c;
    }

    private void grow() {
        Connection[] old = slots;
        slots = new Connection[old.length * 2];
        for (Connection c : old) {
            if (c != null) {
                insert(c);
            }
        }
    }

    private static int hash(int protocol, long clientHigh, long clientLow, int clientPort, long virtualHigh,
                            long virtualLow, int virtualPort) {
        long h = clientLow * 0x9E3779B97F4A7C15L;
        h ^= clientHigh * 0xC2B2AE3D27D4EB4FL;
        h ^= ((long) clientPort << 32 | (long) virtualPort << 8 | protocol) * 0x165667B19E3779F9L;
        h ^= (virtualLow ^ Long.rotateLeft(virtualHigh, 17)) * 0x27D4EB2F165667C5L;
        h ^= h >>> 29;
        h *= 0x94D049BB133111EBL;
        return (int) (h ^ (h >>> 32));
    }
}
