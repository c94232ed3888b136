package halo.os;

/** Something with a file descriptor a {@link Poller} can wait on. */
public interface Pollable {
    int fd();
}
