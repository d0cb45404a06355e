/*
 * PWM (applibs/pwm.h): wrappers over the host; the host reads the PwmState from the module's memory.
 */
#include <stddef.h>
#include <applibs/pwm.h>

#include "internal.h"

int PWM_Open(PWM_ControllerId pwm)
{
    return __sphere_result(__sphere_pwm_open((int32_t)pwm));
}

int PWM_Apply(int pwmFd, PWM_ChannelId pwmChannel, const PwmState *newState)
{
    if (newState == NULL) {
        return __sphere_fail(EINVAL);
    }
    return __sphere_result(__sphere_pwm_apply(pwmFd, pwmChannel, newState));
}
