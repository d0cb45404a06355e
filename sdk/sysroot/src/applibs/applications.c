/*
 * Applications_* (applibs/applications.h): memory figures and the OS version from the host.
 */
#include <stddef.h>
#include <applibs/applications.h>

#include "internal.h"

static size_t memory_kb(uint32_t which)
{
    int32_t r = __sphere_memory_usage_kb(which);
    if (r < 0) {
        errno = EAGAIN;
        return 0;
    }
    return (size_t)r;
}

size_t Applications_GetTotalMemoryUsageInKB(void)
{
    return memory_kb(0);
}

size_t Applications_GetUserModeMemoryUsageInKB(void)
{
    return memory_kb(1);
}

size_t Applications_GetPeakUserModeMemoryUsageInKB(void)
{
    return memory_kb(2);
}

int Applications_GetOsVersion(Applications_OsVersion *outVersion)
{
    if (outVersion == NULL) {
        return __sphere_fail(EFAULT);
    }
    int r = __sphere_result(__sphere_os_version(outVersion->version, sizeof outVersion->version - 1));
    if (r < 0) {
        return -1;
    }
    outVersion->version[r] = '\0';
    return 0;
}
