/*
 * GPIO (applibs/gpio.h): thin wrappers over the host; the fds are the host's (>= 1000) and are
 * closed with close().
 */
#include <stddef.h>
#include <applibs/gpio.h>

#include "internal.h"

int GPIO_OpenAsInput(GPIO_Id gpioId)
{
    return __sphere_result(__sphere_gpio_open_input(gpioId));
}

int GPIO_OpenAsOutput(GPIO_Id gpioId, GPIO_OutputMode_Type outputMode, GPIO_Value_Type initialValue)
{
    return __sphere_result(__sphere_gpio_open_output(gpioId, outputMode, initialValue));
}

int GPIO_GetValue(int gpioFd, GPIO_Value_Type *outValue)
{
    if (outValue == NULL) {
        return __sphere_fail(EFAULT);
    }
    return __sphere_result(__sphere_gpio_get_value(gpioFd, outValue));
}

int GPIO_SetValue(int gpioFd, GPIO_Value_Type value)
{
    return __sphere_result(__sphere_gpio_set_value(gpioFd, value));
}
