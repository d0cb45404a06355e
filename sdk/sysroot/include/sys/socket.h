/*
 * sys/socket.h: wasi-libc's header, plus what a device app's TCP code needs that WASI leaves
 * out: socket, connect, bind, listen, setsockopt, getsockname, getpeername and the SO_* option
 * names. getsockopt is the SDK's (SO_ERROR after a non-blocking connect). Values are wasi-libc's
 * where it has them (AF_INET 1, SOCK_STREAM 6, SOL_SOCKET 0x7fffffff), not the device's Linux
 * ones; compiled code only ever sees these names.
 */
#pragma once
#include_next <sys/socket.h>

#ifndef SO_ERROR
#define SO_DEBUG 1
#define SO_REUSEADDR 2
#define SO_ERROR 4
#define SO_DONTROUTE 5
#define SO_BROADCAST 6
#define SO_SNDBUF 7
#define SO_RCVBUF 8
#define SO_KEEPALIVE 9
#define SO_LINGER 13
#define SO_REUSEPORT 15
#define SO_RCVTIMEO 66
#define SO_SNDTIMEO 67
#endif
#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0x4000
#endif
#ifndef MSG_DONTWAIT
#define MSG_DONTWAIT 0x0040
#endif
#ifndef SOMAXCONN
#define SOMAXCONN 128
#endif

#ifdef __cplusplus
extern "C" {
#endif

int socket(int domain, int type, int protocol);
int connect(int fd, const struct sockaddr *address, socklen_t length);
int bind(int fd, const struct sockaddr *address, socklen_t length);
int listen(int fd, int backlog);
int setsockopt(int fd, int level, int name, const void *value, socklen_t length);
int getsockname(int fd, struct sockaddr *__restrict address, socklen_t *__restrict length);
int getpeername(int fd, struct sockaddr *__restrict address, socklen_t *__restrict length);
int __sphere_getsockopt(int fd, int level, int name, void *__restrict value, socklen_t *__restrict length);
#define getsockopt __sphere_getsockopt

#ifdef __cplusplus
}
#endif
