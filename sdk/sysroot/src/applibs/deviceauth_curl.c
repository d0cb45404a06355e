/*
 * DeviceAuth_SslCtxFunc and DeviceAuth_CurlSslFunc (tlsutils/deviceauth_curl.h): mark the TLS
 * context curl.c hands to the app's CURLOPT_SSL_CTX_FUNCTION, so that the host presents the
 * device certificate with the device identity key for that transfer. The host checks the
 * capability and readiness here (so the callback can fail as on the device) and again when the
 * transfer runs.
 */
#include <errno.h>
#include <tlsutils/deviceauth_curl.h>

#include "internal.h"

DeviceAuthSslResult DeviceAuth_SslCtxFunc(void *sslctx)
{
    struct __sphere_ssl_ctx *ctx = sslctx;
    if (ctx == NULL || ctx->magic != SPHERE_SSL_CTX_MAGIC) {
        return DeviceAuthSslResult_EnableHwSignError;
    }
    int32_t r = __sphere_device_auth_tls();
    if (r < 0) {
        errno = (int)-r;
        return DeviceAuthSslResult_GetTenantCertificateError;
    }
    ctx->device_auth = SPHERE_DEVICE_AUTH_MAGIC;
    return DeviceAuthSslResult_Success;
}

CURLcode DeviceAuth_CurlSslFunc(CURL *curl, void *sslctx, void *userCtx)
{
    (void)curl;
    (void)userCtx;
    return DeviceAuth_SslCtxFunc(sslctx) == DeviceAuthSslResult_Success ? CURLE_OK : CURLE_SSL_CERTPROBLEM;
}
