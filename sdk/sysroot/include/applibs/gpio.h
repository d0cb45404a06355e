/*
 * applibs/gpio.h - general-purpose I/O pins (Spherekit SDK, WebAssembly build).
 *
 * A pin is opened once, as an input or an output, and gives a file descriptor; close() it to
 * release the pin. The app's manifest must list the pin under Capabilities.Gpio (else EACCES).
 */
#pragma once

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A GPIO number on the chip (the value the hardware definition headers give). */
typedef int GPIO_Id;

typedef uint8_t GPIO_Value_Type;
enum GPIO_Value {
    GPIO_Value_Low = 0,
    GPIO_Value_High = 1
};
typedef enum GPIO_Value GPIO_Value;

typedef uint8_t GPIO_OutputMode_Type;
enum GPIO_OutputMode {
    GPIO_OutputMode_PushPull = 0,
    GPIO_OutputMode_OpenDrain = 1,
    GPIO_OutputMode_OpenSource = 2
};
typedef enum GPIO_OutputMode GPIO_OutputMode;

/* Opens a pin for reading. Returns an fd, or -1 with errno EACCES (not in the manifest),
 * ENODEV (no such GPIO) or EBUSY (already open). */
int GPIO_OpenAsInput(GPIO_Id gpioId);

/* Opens a pin for driving, at `initialValue`. Returns an fd, or -1 with errno EACCES, ENODEV,
 * EBUSY or EINVAL (bad mode or value). */
int GPIO_OpenAsOutput(GPIO_Id gpioId, GPIO_OutputMode_Type outputMode, GPIO_Value_Type initialValue);

/* Reads the pin's level (also allowed on outputs). 0, or -1 with errno EFAULT or EBADF. */
int GPIO_GetValue(int gpioFd, GPIO_Value_Type *outValue);

/* Drives an output pin (no effect on an input). 0, or -1 with errno EINVAL or EBADF. */
int GPIO_SetValue(int gpioFd, GPIO_Value_Type value);

#ifdef __cplusplus
}
#endif
