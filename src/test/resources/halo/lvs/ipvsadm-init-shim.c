/*
 * LD_PRELOAD shim for IpvsadmRealBinaryTest: ipvsadm asks the kernel for IPVS's version (ipvs_init, then
 * getsockopt(IPPROTO_IP, IP_VS_SO_GET_INFO)) before it reads its command line, and stops when the kernel has no IPVS.
 * This answers that one question (IPVS 1.2.1, table size 4096, no services) so that ipvsadm goes on to parse; every
 * other call reaches the kernel unchanged, and without IPVS it fails there ("Protocol not available").
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <string.h>
#include <sys/socket.h>

#define IP_VS_SO_GET_INFO (64 + 1024 + 64 + 1)

int getsockopt(int fd, int level, int name, void *value, socklen_t *length) {
    if (level == 0 && name == IP_VS_SO_GET_INFO && value != NULL && length != NULL && *length >= 12) {
        unsigned int info[3] = {0x010201, 4096, 0};
        memcpy(value, info, sizeof info);
        *length = sizeof info;
        return 0;
    }
    int (*real)(int, int, int, void *, socklen_t *) =
        (int (*)(int, int, int, void *, socklen_t *)) dlsym(RTLD_NEXT, "getsockopt");
    return real(fd, level, name, value, length);
}
