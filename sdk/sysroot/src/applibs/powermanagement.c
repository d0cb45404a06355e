/*
 * PowerManagement_* (applibs/powermanagement.h). Host power states: 0 reboot, 1 power down.
 */
#include <applibs/powermanagement.h>

#include "internal.h"

int PowerManagement_ForceSystemReboot(void)
{
    return __sphere_result(__sphere_power_transition(0, 0));
}

int PowerManagement_ForceSystemPowerDown(unsigned int maximum_residency_in_seconds)
{
    return __sphere_result(__sphere_power_transition(1, maximum_residency_in_seconds));
}

int PowerManagement_SetSystemPowerProfile(PowerManagement_System_PowerProfile desired_profile)
{
    return __sphere_result(__sphere_power_set_profile(desired_profile));
}
