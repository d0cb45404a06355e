/*
 * applibs/powermanagement.h - reboot, power down and the power profile (Spherekit SDK,
 * WebAssembly build). Success only means the transition started: the app then gets SIGTERM.
 * Each call needs its entry in Capabilities.PowerControls (else EACCES).
 */
#pragma once

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef uint32_t PowerManagement_System_PowerProfile;
enum {
    PowerManagement_PowerSaver = 0,
    PowerManagement_Balanced = 1,
    PowerManagement_HighPerformance = 2
};

/* Restarts the device ("ForceReboot"). 0, or -1 with errno EACCES. */
int PowerManagement_ForceSystemReboot(void);

/* Powers the device down for at most `maximum_residency_in_seconds` ("ForcePowerDown").
 * 0, or -1 with errno EACCES or EINVAL. */
int PowerManagement_ForceSystemPowerDown(unsigned int maximum_residency_in_seconds);

/* Selects a power profile ("SetPowerProfile"). 0, or -1 with errno EACCES or EINVAL. */
int PowerManagement_SetSystemPowerProfile(PowerManagement_System_PowerProfile desired_profile);

#ifdef __cplusplus
}
#endif
