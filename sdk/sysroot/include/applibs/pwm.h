/*
 * applibs/pwm.h - pulse-width modulation (Spherekit SDK, WebAssembly build).
 *
 * PWM_Open gives an fd for a controller ("PWM-CONTROLLER-n" under Capabilities.Pwm); PWM_Apply
 * sets one channel's period, duty cycle, polarity and whether it runs, all at once.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef unsigned int PWM_ControllerId;
typedef uint32_t PWM_ChannelId;

typedef uint32_t PwmPolarity;
enum {
    PWM_Polarity_Normal = 0,  /* the output is high during the duty cycle */
    PWM_Polarity_Inversed = 1 /* the output is low during the duty cycle */
};

/* 16 bytes on wasm32: period_nsec 0, dutyCycle_nsec 4, polarity 8, enabled 12. */
typedef struct PwmState {
    unsigned int period_nsec;
    unsigned int dutyCycle_nsec;
    PwmPolarity polarity;
    bool enabled;
} PwmState;

int PWM_Open(PWM_ControllerId pwm);
/* 0, or -1 with errno: EBADF, ENODEV (no such channel), EINVAL (no state, or duty above period). */
int PWM_Apply(int pwmFd, PWM_ChannelId pwmChannel, const PwmState *newState);

#ifdef __cplusplus
}
#endif
