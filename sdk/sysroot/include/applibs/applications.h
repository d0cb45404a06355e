/*
 * applibs/applications.h - the app's memory use and the OS version (Spherekit SDK, WebAssembly
 * build). In the emulator the memory figures are the app's linear memory.
 */
#pragma once

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Memory in KiB, kernel allocations included; 0 with errno EAGAIN on failure. */
size_t Applications_GetTotalMemoryUsageInKB(void);

/* User-mode memory in KiB; 0 with errno EAGAIN on failure. */
size_t Applications_GetUserModeMemoryUsageInKB(void);

/* The most user-mode memory in KiB used since the app started; 0 with errno EAGAIN on failure. */
size_t Applications_GetPeakUserModeMemoryUsageInKB(void);

/* The OS version as text, e.g. "24.03". */
typedef struct Applications_OsVersion {
    char version[16];
} Applications_OsVersion;

/* 0, or -1 with errno EFAULT. */
int Applications_GetOsVersion(Applications_OsVersion *outVersion);

#ifdef __cplusplus
}
#endif
