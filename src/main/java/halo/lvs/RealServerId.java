package halo.lvs;

/** A real server by position: its virtual_server's index and its own index in it, from 0, in file order. */
public record RealServerId(int virtualServer, int realServer) {
    public CheckerId checker(int index) {
        return new CheckerId(virtualServer, realServer, index);
    }
}
