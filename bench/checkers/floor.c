/*
 * The floor under any TCP_CHECK engine: the simplest C loop doing the same work the checkers do (socket, non-blocking
 * connect to a loopback listener, wait for the handshake, close with RST) at the same rate, against listeners in a
 * separate process. Prints the CPU of the connecting process (user + system, percent of one core). On loopback both
 * ends of every handshake are processed by the kernel in the connecting process's context, so this is the kernel's
 * share that no user-space engine can avoid.
 *
 *   floor SERVERS RATE_PER_S SECONDS
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static double cpu_s(void) {
    struct rusage r;
    getrusage(RUSAGE_SELF, &r);
    return r.ru_utime.tv_sec + r.ru_utime.tv_usec / 1e6 + r.ru_stime.tv_sec + r.ru_stime.tv_usec / 1e6;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: floor SERVERS RATE_PER_S SECONDS\n");
        return 2;
    }
    int n = atoi(argv[1]), rate = atoi(argv[2]), seconds = atoi(argv[3]);
    int *listeners = calloc(n, sizeof(int));
    unsigned short *ports = calloc(n, sizeof(unsigned short));
    for (int i = 0; i < n; i++) {
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        socklen_t len = sizeof a;
        listeners[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        if (listeners[i] < 0 || bind(listeners[i], (void *)&a, sizeof a) || listen(listeners[i], 1024)
                || getsockname(listeners[i], (void *)&a, &len)) {
            perror("listener");
            return 1;
        }
        ports[i] = ntohs(a.sin_port);
    }
    pid_t acceptor = fork();
    if (acceptor == 0) { /* the real servers: accept and close, in their own process, woken by epoll as the
                            Java benchmark's listeners are */
        int ep = epoll_create1(0);
        for (int i = 0; i < n; i++) {
            struct epoll_event e = {.events = EPOLLIN, .data.u32 = i};
            epoll_ctl(ep, EPOLL_CTL_ADD, listeners[i], &e);
        }
        struct epoll_event ready[256];
        for (double end = now_s() + seconds + 5; now_s() < end;) {
            int k = epoll_wait(ep, ready, 256, 100);
            for (int j = 0; j < k; j++) {
                int c;
                while ((c = accept4(listeners[ready[j].data.u32], NULL, NULL, 0)) >= 0) close(c);
            }
        }
        _exit(0);
    }
    for (int i = 0; i < n; i++) close(listeners[i]);
    long done = 0, failed = 0;
    double start = now_s(), cpu0 = cpu_s();
    for (long tick = 0; now_s() - start < seconds; tick++) {
        long due = (long)((now_s() - start) * rate);
        for (; done < due; done++) {
            int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
            struct linger lg = {1, 0};
            setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
            struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
                                    .sin_port = htons(ports[done % n])};
            int err = 0;
            if (connect(s, (void *)&a, sizeof a) < 0) {
                if (errno == EINPROGRESS) {
                    struct pollfd p = {s, POLLOUT, 0};
                    socklen_t el = sizeof err;
                    if (poll(&p, 1, 1000) != 1 || getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &el)) err = -1;
                } else {
                    err = errno;
                }
            }
            if (err) failed++;
            close(s);
        }
        struct timespec pause = {0, 1000000}; /* 1 ms */
        nanosleep(&pause, NULL);
    }
    double wall = now_s() - start, cpu = cpu_s() - cpu0;
    kill(acceptor, SIGKILL);
    waitpid(acceptor, NULL, 0);
    printf("floor (C, same connects): %ld connects in %.1f s (%.0f/s, %ld failed): %.1f%% of one core, %.0f us per connect\n",
           done, wall, done / wall, failed, cpu / wall * 100, cpu / done * 1e6);
    return 0;
}
