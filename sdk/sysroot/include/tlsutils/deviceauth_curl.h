/*
 * tlsutils/deviceauth_curl.h - mutual TLS with the device certificate (Spherekit SDK,
 * WebAssembly build; link library tlsutils). Install DeviceAuth_CurlSslFunc on a curl handle:
 *
 *     curl_easy_setopt(h, CURLOPT_SSL_CTX_FUNCTION, DeviceAuth_CurlSslFunc);
 *
 * and that handle's HTTPS transfers present the device certificate (the one
 * DeviceAuth_GetCertificatePath names), signed with the device identity key. The emulator's host
 * holds that key and does the handshake; the key never enters the app's memory. Needs
 * Capabilities.DeviceAuthentication; check Application_IsDeviceAuthReady first.
 */
#pragma once
#include <curl/curl.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    DeviceAuthSslResult_Success = 0,
    DeviceAuthSslResult_GetTenantIdError = 1,
    DeviceAuthSslResult_GetTenantCertificateError = 2,
    DeviceAuthSslResult_EnableHwSignError = 3
} DeviceAuthSslResult;

/* Sets up the TLS context libcurl hands to a CURLOPT_SSL_CTX_FUNCTION callback (sslctx) to present
 * the device certificate. Success, or GetTenantCertificateError when the manifest lacks
 * DeviceAuthentication (logged as a denial) or the device holds no current certificate
 * (Application_IsDeviceAuthReady is false); EnableHwSignError when sslctx is not a context
 * curl gave. For an app's own callback that does more than present the certificate. */
DeviceAuthSslResult DeviceAuth_SslCtxFunc(void *sslctx);

/* A CURLOPT_SSL_CTX_FUNCTION callback: DeviceAuth_SslCtxFunc on sslctx. CURLE_OK, or
 * CURLE_SSL_CERTPROBLEM on any failure (then curl_easy_perform returns that code and nothing is
 * sent). userCtx (CURLOPT_SSL_CTX_DATA) is not used. */
CURLcode DeviceAuth_CurlSslFunc(CURL *curl, void *sslctx, void *userCtx);

#ifdef __cplusplus
}
#endif
