/*
 * DeviceAuth_GetCertificatePath (tlsutils/deviceauth.h): where the device certificate the
 * Security Service issued after attestation can be read, for apps whose manifest has
 * Capabilities.DeviceAuthentication. Without it the host refuses: NULL, errno EACCES.
 */
#include <stddef.h>
#include <tlsutils/deviceauth.h>

#include "internal.h"

const char *DeviceAuth_GetCertificatePath(void)
{
    static char path[256];
    int32_t n = __sphere_device_auth_cert_path(path, (uint32_t)(sizeof path - 1));
    if (n < 0) {
        errno = (int)-n;
        return NULL;
    }
    path[n] = '\0';
    return path;
}
