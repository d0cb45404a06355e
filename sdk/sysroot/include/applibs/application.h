/*
 * applibs/application.h - device authentication readiness and connections to partner apps
 * (Spherekit SDK, WebAssembly build).
 */
#pragma once

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Whether the device-authentication certificate can be used now. 0, or -1 with errno EFAULT. */
int Application_IsDeviceAuthReady(bool *outIsDeviceAuthReady);

/* A socket to the real-time app `componentId` (Capabilities.AllowedApplicationConnections).
 * Not available in WebAssembly builds yet: -1 with errno ENOSYS (EFAULT for NULL). */
int Application_Connect(const char *componentId);

#ifdef __cplusplus
}
#endif
