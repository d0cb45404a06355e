/*
 * tlsutils/deviceauth.h - the device-authentication client certificate (Spherekit SDK,
 * WebAssembly build). Check Application_IsDeviceAuthReady before using the file.
 */
#pragma once

#ifdef __cplusplus
extern "C" {
#endif

/* Path of the device's client certificate (PEM), valid while the app runs. Needs
 * Capabilities.DeviceAuthentication in the manifest; without it, NULL with errno EACCES. */
const char *DeviceAuth_GetCertificatePath(void);

#ifdef __cplusplus
}
#endif
