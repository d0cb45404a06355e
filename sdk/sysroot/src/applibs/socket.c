/*
 * TCP sockets over the host (sys/socket.h): socket, connect, bind, listen, getsockopt,
 * setsockopt, getsockname and getpeername. send, recv, shutdown, accept, read, write, close and
 * poll are wasi-libc's, served by the host on the same fds. IPv4 only.
 */
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "internal.h"

int socket(int domain, int type, int protocol)
{
    if (protocol != 0 && protocol != IPPROTO_TCP) {
        return __sphere_fail(EPROTONOSUPPORT);
    }
    return __sphere_result(__sphere_sock_open(domain, type));
}

/* The IPv4 address and port of a sockaddr_in, or an errno. */
static int address_of(const struct sockaddr *address, socklen_t length, uint8_t ip[4], uint32_t *port)
{
    if (address == NULL) {
        return EFAULT;
    }
    if (length < (socklen_t)sizeof(struct sockaddr_in)) {
        return EINVAL;
    }
    const struct sockaddr_in *in = (const struct sockaddr_in *)address;
    if (in->sin_family != AF_INET) {
        return EAFNOSUPPORT;
    }
    memcpy(ip, &in->sin_addr.s_addr, 4);
    *port = ntohs(in->sin_port);
    return 0;
}

int connect(int fd, const struct sockaddr *address, socklen_t length)
{
    uint8_t ip[4];
    uint32_t port;
    int e = address_of(address, length, ip, &port);
    if (e != 0) {
        return __sphere_fail(e);
    }
    return __sphere_result(__sphere_sock_connect(fd, ip, port));
}

int bind(int fd, const struct sockaddr *address, socklen_t length)
{
    uint8_t ip[4];
    uint32_t port;
    int e = address_of(address, length, ip, &port);
    if (e != 0) {
        return __sphere_fail(e);
    }
    return __sphere_result(__sphere_sock_bind(fd, ip, port));
}

int listen(int fd, int backlog)
{
    return __sphere_result(__sphere_sock_listen(fd, backlog));
}

int __sphere_getsockopt(int fd, int level, int name, void *__restrict value, socklen_t *__restrict length)
{
    if (value == NULL || length == NULL) {
        return __sphere_fail(EFAULT);
    }
    if (*length < (socklen_t)sizeof(int)) {
        return __sphere_fail(EINVAL);
    }
    int32_t v = 0;
    int r = __sphere_result(__sphere_sock_getopt(fd, level, name, &v));
    if (r < 0) {
        return r;
    }
    memcpy(value, &v, sizeof v);
    *length = sizeof(int);
    return 0;
}

int setsockopt(int fd, int level, int name, const void *value, socklen_t length)
{
    if (value == NULL && length > 0) {
        return __sphere_fail(EFAULT);
    }
    int32_t v = 0;
    if (value != NULL && length >= (socklen_t)sizeof(int)) {
        memcpy(&v, value, sizeof v);
    }
    return __sphere_result(__sphere_sock_setopt(fd, level, name, v));
}

static int name_of(int fd, uint32_t peer, struct sockaddr *__restrict address, socklen_t *__restrict length)
{
    if (address == NULL || length == NULL) {
        return __sphere_fail(EFAULT);
    }
    uint8_t ip[4];
    uint32_t port;
    int r = __sphere_result(__sphere_sock_name(fd, peer, ip, &port));
    if (r < 0) {
        return r;
    }
    struct sockaddr_in in;
    memset(&in, 0, sizeof in);
    in.sin_family = AF_INET;
    in.sin_port = htons((uint16_t)port);
    memcpy(&in.sin_addr.s_addr, ip, 4);
    socklen_t n = *length < (socklen_t)sizeof in ? *length : (socklen_t)sizeof in;
    memcpy(address, &in, n);
    *length = sizeof in;
    return 0;
}

int getsockname(int fd, struct sockaddr *__restrict address, socklen_t *__restrict length)
{
    return name_of(fd, 0, address, length);
}

int getpeername(int fd, struct sockaddr *__restrict address, socklen_t *__restrict length)
{
    return name_of(fd, 1, address, length);
}
