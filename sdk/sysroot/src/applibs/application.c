/*
 * Application_* (applibs/application.h); DeviceAuth_GetCertificatePath is in deviceauth.c.
 * Connections to real-time apps are not emulated yet.
 */
#include <stddef.h>
#include <applibs/application.h>

#include "internal.h"

int Application_IsDeviceAuthReady(bool *outIsDeviceAuthReady)
{
    if (outIsDeviceAuthReady == NULL) {
        return __sphere_fail(EFAULT);
    }
    return __sphere_result(__sphere_device_auth_ready(outIsDeviceAuthReady));
}

int Application_Connect(const char *componentId)
{
    if (componentId == NULL) {
        return __sphere_fail(EFAULT);
    }
    return __sphere_fail(ENOSYS);
}
