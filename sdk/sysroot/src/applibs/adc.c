/*
 * ADC (applibs/adc.h): wrappers over the host; the reference voltage travels as millivolts.
 */
#include <stddef.h>
#include <applibs/adc.h>

#include "internal.h"

int ADC_Open(ADC_ControllerId id)
{
    return __sphere_result(__sphere_adc_open((int32_t)id));
}

int ADC_GetSampleBitCount(int fd, ADC_ChannelId channel)
{
    return __sphere_result(__sphere_adc_bits(fd, channel));
}

int ADC_SetReferenceVoltage(int fd, ADC_ChannelId channel, float referenceVoltage)
{
    if (!(referenceVoltage >= 0.0f && referenceVoltage < 100.0f)) {
        return __sphere_fail(EINVAL);
    }
    return __sphere_result(__sphere_adc_set_reference(fd, channel, (uint32_t)(referenceVoltage * 1000.0f + 0.5f)));
}

int ADC_Poll(int fd, ADC_ChannelId channel, uint32_t *outSampleValue)
{
    if (outSampleValue == NULL) {
        return __sphere_fail(EFAULT);
    }
    return __sphere_result(__sphere_adc_poll(fd, channel, outSampleValue));
}
