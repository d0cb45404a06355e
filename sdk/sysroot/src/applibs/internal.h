/*
 * Helpers shared by libapplibs' sources: turning a host answer (-errno in WASI numbering, or a
 * non-negative result) into the C convention (-1 with errno set).
 */
#pragma once

#include <errno.h>
#include <stdint.h>

#include "sphere_host.h"

/* The host's answer as a C return value: r when r >= 0, else -1 with errno = -r. */
static inline int __sphere_result(int32_t r)
{
    if (r < 0) {
        errno = (int)-r;
        return -1;
    }
    return (int)r;
}

/* Sets errno and returns -1. */
static inline int __sphere_fail(int error)
{
    errno = error;
    return -1;
}

/* What curl.c hands an app's CURLOPT_SSL_CTX_FUNCTION as its sslctx (the TLS itself is the
 * host's): DeviceAuth_SslCtxFunc sets device_auth to SPHERE_DEVICE_AUTH_MAGIC. */
#define SPHERE_SSL_CTX_MAGIC 0x53534c43
struct __sphere_ssl_ctx {
    uint32_t magic;
    int32_t device_auth;
};
