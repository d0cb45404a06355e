/*
 * curl's easy interface (curl/curl.h) over the host: the options are kept here, the host carries
 * out the transfer in one call, and the response is then handed to the app's header, write and
 * progress callbacks in pieces of at most CURL_MAX_WRITE_SIZE bytes, as libcurl would.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <curl/curl.h>

#include "internal.h"

struct sphere_curl {
    char *url, *cainfo, *useragent, *sslcert, *sslkey;
    char *errorbuffer;
    long follow, maxredirs, verifypeer, verifyhost, timeout_ms, connect_timeout_ms, verbose, noprogress;
    curl_write_callback write, header;
    void *writedata, *headerdata, *xferdata;
    curl_xferinfo_callback xferinfo;
    curl_ssl_ctx_callback sslctx;
    void *sslctxdata;
    long response_code;
    curl_off_t downloaded;
    char *effective_url;
};

CURLcode curl_global_init(long flags)
{
    (void)flags;
    return CURLE_OK;
}

void curl_global_cleanup(void) {}

char *curl_version(void)
{
    static char text[] = "libcurl (Spherekit emulator host transfers)";
    return text;
}

CURL *curl_easy_init(void)
{
    struct sphere_curl *c = calloc(1, sizeof *c);
    if (c == NULL) {
        return NULL;
    }
    c->maxredirs = -1;
    c->verifypeer = 1;
    c->verifyhost = 2;
    c->noprogress = 1;
    return c;
}

static CURLcode keep(char **slot, const char *value)
{
    free(*slot);
    *slot = NULL;
    if (value != NULL && (*slot = strdup(value)) == NULL) {
        return CURLE_OUT_OF_MEMORY;
    }
    return CURLE_OK;
}

CURLcode curl_easy_setopt(CURL *curl, CURLoption option, ...)
{
    struct sphere_curl *c = curl;
    if (c == NULL) {
        return CURLE_BAD_FUNCTION_ARGUMENT;
    }
    va_list ap;
    va_start(ap, option);
    CURLcode r = CURLE_OK;
    if (option < CURLOPTTYPE_OBJECTPOINT) {
        long v = va_arg(ap, long);
        switch (option) {
        case CURLOPT_VERBOSE: c->verbose = v; break;
        case CURLOPT_NOPROGRESS: c->noprogress = v; break;
        case CURLOPT_FOLLOWLOCATION: c->follow = v; break;
        case CURLOPT_MAXREDIRS: c->maxredirs = v; break;
        case CURLOPT_SSL_VERIFYPEER: c->verifypeer = v; break;
        case CURLOPT_SSL_VERIFYHOST: c->verifyhost = v; break;
        case CURLOPT_TIMEOUT: c->timeout_ms = v * 1000; break;
        case CURLOPT_TIMEOUT_MS: c->timeout_ms = v; break;
        case CURLOPT_CONNECTTIMEOUT: c->connect_timeout_ms = v * 1000; break;
        case CURLOPT_CONNECTTIMEOUT_MS: c->connect_timeout_ms = v; break;
        case CURLOPT_NOSIGNAL: case CURLOPT_PROTOCOLS: case CURLOPT_REDIR_PROTOCOLS: case CURLOPT_HEADER: case CURLOPT_FAILONERROR: break;
        default: r = CURLE_UNKNOWN_OPTION;
        }
    } else if (option < CURLOPTTYPE_FUNCTIONPOINT) {
        void *p = va_arg(ap, void *);
        switch (option) {
        case CURLOPT_URL: r = keep(&c->url, p); break;
        case CURLOPT_CAINFO: r = keep(&c->cainfo, p); break;
        case CURLOPT_USERAGENT: r = keep(&c->useragent, p); break;
        case CURLOPT_SSLCERT: r = keep(&c->sslcert, p); break;
        case CURLOPT_SSLKEY: r = keep(&c->sslkey, p); break;
        case CURLOPT_WRITEDATA: c->writedata = p; break;
        case CURLOPT_HEADERDATA: c->headerdata = p; break;
        case CURLOPT_XFERINFODATA: c->xferdata = p; break;
        case CURLOPT_SSL_CTX_DATA: c->sslctxdata = p; break;
        case CURLOPT_ERRORBUFFER: c->errorbuffer = p; break;
        /* PEM is the only certificate and key type; a passphrase is not supported. */
        case CURLOPT_SSLCERTTYPE: case CURLOPT_SSLKEYTYPE: break;
        default: r = CURLE_UNKNOWN_OPTION;
        }
    } else if (option < CURLOPTTYPE_OFF_T) {
        switch (option) {
        case CURLOPT_WRITEFUNCTION: c->write = va_arg(ap, curl_write_callback); break;
        case CURLOPT_HEADERFUNCTION: c->header = va_arg(ap, curl_write_callback); break;
        case CURLOPT_XFERINFOFUNCTION: c->xferinfo = va_arg(ap, curl_xferinfo_callback); break;
        case CURLOPT_SSL_CTX_FUNCTION: c->sslctx = va_arg(ap, curl_ssl_ctx_callback); break;
        default: r = CURLE_UNKNOWN_OPTION;
        }
    } else {
        r = CURLE_UNKNOWN_OPTION;
    }
    va_end(ap);
    return r;
}

/* What libcurl's default write callback does: the data goes to the FILE* of CURLOPT_WRITEDATA,
 * else to standard output (here through fd 1, so that apps that never use curl do not link
 * stdio's stdout). */
static size_t to_file(char *buffer, size_t size, size_t n, void *userdata)
{
    if (userdata != NULL) {
        return fwrite(buffer, size, n, (FILE *)userdata);
    }
    ssize_t w = write(1, buffer, size * n);
    return w < 0 ? 0 : (size_t)w / (size ? size : 1);
}

static int progress(struct sphere_curl *c, curl_off_t total, curl_off_t now)
{
    return !c->noprogress && c->xferinfo != NULL ? c->xferinfo(c->xferdata, total, now, 0, 0) : 0;
}

/* Hands one block of the response to a callback; CURL_WRITEFUNC_PAUSE gives the same piece again
 * after the progress callback has had its turn (where samples call curl_easy_pause). */
static CURLcode deliver(struct sphere_curl *c, int32_t id, uint32_t which, curl_write_callback cb, void *data, curl_off_t total)
{
    /* Headers come whole (at most 16 KiB, as on the device); the body in pieces. */
    static char piece[CURL_MAX_WRITE_SIZE];
    for (;;) {
        int32_t n = __sphere_curl_read(id, which, piece, sizeof piece);
        if (n < 0) {
            return CURLE_RECV_ERROR;
        }
        if (n == 0) {
            return CURLE_OK;
        }
        if (which == 0) {
            /* The header callback gets one whole header line per call. */
            for (int32_t at = 0; at < n;) {
                int32_t end = at;
                while (end < n && piece[end] != '\n') {
                    end++;
                }
                size_t len = (size_t)(end < n ? end + 1 - at : end - at);
                if (cb(piece + at, 1, len, data) != len) {
                    return CURLE_WRITE_ERROR;
                }
                at += (int32_t)len;
            }
            continue;
        }
        c->downloaded += n;
        for (int tries = 0;; tries++) {
            size_t took = cb(piece, 1, (size_t)n, data);
            if (took == CURL_WRITEFUNC_PAUSE && tries < 100) {
                if (progress(c, total, c->downloaded)) {
                    return CURLE_ABORTED_BY_CALLBACK;
                }
                continue;
            }
            if (took != (size_t)n) {
                return CURLE_WRITE_ERROR;
            }
            break;
        }
        if (progress(c, total, c->downloaded)) {
            return CURLE_ABORTED_BY_CALLBACK;
        }
    }
}

static CURLcode done(struct sphere_curl *c, CURLcode code)
{
    if (c->errorbuffer != NULL && code != CURLE_OK) {
        snprintf(c->errorbuffer, CURL_ERROR_SIZE, "%s", curl_easy_strerror(code));
    }
    return code;
}

CURLcode curl_easy_perform(CURL *curl)
{
    struct sphere_curl *c = curl;
    if (c == NULL) {
        return CURLE_BAD_FUNCTION_ARGUMENT;
    }
    if (c->url == NULL) {
        return done(c, CURLE_URL_MALFORMAT);
    }
    c->response_code = 0;
    c->downloaded = 0;
    if (progress(c, 0, 0)) {
        return done(c, CURLE_ABORTED_BY_CALLBACK);
    }
    /* The TLS callback, as libcurl calls it before an HTTPS connection (DeviceAuth_CurlSslFunc). */
    struct __sphere_ssl_ctx tls = {.magic = SPHERE_SSL_CTX_MAGIC, .device_auth = 0};
    if (c->sslctx != NULL && strncasecmp(c->url, "https://", 8) == 0) {
        CURLcode r = c->sslctx(c, &tls, c->sslctxdata);
        if (r != CURLE_OK) {
            return done(c, r);
        }
    }
    struct __sphere_curl_request q = {
        .url = c->url, .cainfo = c->cainfo, .useragent = c->useragent, .sslcert = c->sslcert, .sslkey = c->sslkey,
        .follow = (int32_t)c->follow, .maxredirs = (int32_t)c->maxredirs, .verifypeer = (int32_t)c->verifypeer,
        .verifyhost = (int32_t)c->verifyhost, .timeout_ms = (int32_t)c->timeout_ms,
        .connect_timeout_ms = (int32_t)c->connect_timeout_ms, .verbose = (int32_t)c->verbose,
        .device_auth = tls.device_auth,
    };
    int32_t id = __sphere_curl_perform(&q);
    if (id < 0) {
        return done(c, (CURLcode)-id);
    }
    c->response_code = __sphere_curl_info(id, 0);
    curl_off_t total = __sphere_curl_info(id, 1);
    CURLcode r = CURLE_OK;
    if (c->header != NULL) {
        r = deliver(c, id, 0, c->header, c->headerdata, total);
    }
    if (r == CURLE_OK) {
        r = deliver(c, id, 1, c->write != NULL ? c->write : to_file, c->writedata, total);
    }
    __sphere_curl_release(id);
    return done(c, r);
}

CURLcode curl_easy_getinfo(CURL *curl, CURLINFO info, ...)
{
    struct sphere_curl *c = curl;
    if (c == NULL) {
        return CURLE_BAD_FUNCTION_ARGUMENT;
    }
    va_list ap;
    va_start(ap, info);
    CURLcode r = CURLE_OK;
    switch (info) {
    case CURLINFO_RESPONSE_CODE: *va_arg(ap, long *) = c->response_code; break;
    case CURLINFO_SIZE_DOWNLOAD_T: *va_arg(ap, curl_off_t *) = c->downloaded; break;
    case CURLINFO_EFFECTIVE_URL: *va_arg(ap, char **) = c->url; break;
    default: r = CURLE_UNKNOWN_OPTION;
    }
    va_end(ap);
    return r;
}

CURLcode curl_easy_pause(CURL *curl, int bitmask)
{
    (void)bitmask;
    return curl == NULL ? CURLE_BAD_FUNCTION_ARGUMENT : CURLE_OK;
}

void curl_easy_cleanup(CURL *curl)
{
    struct sphere_curl *c = curl;
    if (c == NULL) {
        return;
    }
    free(c->url);
    free(c->cainfo);
    free(c->useragent);
    free(c->sslcert);
    free(c->sslkey);
    free(c);
}

const char *curl_easy_strerror(CURLcode code)
{
    switch (code) {
    case CURLE_OK: return "no error";
    case CURLE_UNSUPPORTED_PROTOCOL: return "the URL's protocol is not supported";
    case CURLE_FAILED_INIT: return "the handle could not be set up";
    case CURLE_URL_MALFORMAT: return "the URL is missing or malformed";
    case CURLE_COULDNT_RESOLVE_HOST: return "the host name could not be resolved";
    case CURLE_COULDNT_CONNECT: return "no connection to the server could be made";
    case CURLE_WEIRD_SERVER_REPLY: return "the server's reply was not understood";
    case CURLE_WRITE_ERROR: return "the write callback did not take all the data";
    case CURLE_OUT_OF_MEMORY: return "out of memory";
    case CURLE_OPERATION_TIMEDOUT: return "the transfer timed out";
    case CURLE_SSL_CONNECT_ERROR: return "the TLS handshake failed";
    case CURLE_ABORTED_BY_CALLBACK: return "a callback of the app ended the transfer";
    case CURLE_BAD_FUNCTION_ARGUMENT: return "a bad argument was given";
    case CURLE_TOO_MANY_REDIRECTS: return "too many redirects";
    case CURLE_UNKNOWN_OPTION: return "the option is not known";
    case CURLE_GOT_NOTHING: return "the server sent nothing";
    case CURLE_SEND_ERROR: return "sending to the server failed";
    case CURLE_RECV_ERROR: return "receiving from the server failed";
    case CURLE_SSL_CERTPROBLEM: return "the client certificate or key cannot be used";
    case CURLE_PEER_FAILED_VERIFICATION: return "the server's certificate was not verified";
    case CURLE_SSL_CACERT_BADFILE: return "the CA certificate file cannot be read";
    default: return "unknown error";
    }
}
