/*
 * applibs/adc.h - analog-to-digital converters (Spherekit SDK, WebAssembly build).
 *
 * ADC_Open gives an fd for a controller ("ADC-CONTROLLER-n" under Capabilities.Adc); each
 * channel is sampled with ADC_Poll. The MT3620's converter gives 12-bit samples.
 */
#pragma once

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef uint32_t ADC_ControllerId;
typedef uint32_t ADC_ChannelId;

int ADC_Open(ADC_ControllerId id);
/* Bits per sample, or -1 with errno. */
int ADC_GetSampleBitCount(int fd, ADC_ChannelId channel);
/* 0, or -1 with errno EINVAL when the voltage is outside 1.0-2.5 V. */
int ADC_SetReferenceVoltage(int fd, ADC_ChannelId channel, float referenceVoltage);
int ADC_Poll(int fd, ADC_ChannelId channel, uint32_t *outSampleValue);

#ifdef __cplusplus
}
#endif
