/*
 * applibs/i2c.h - I2C masters of the ISU blocks (Spherekit SDK, WebAssembly build).
 *
 * I2CMaster_Open gives an fd for a bus ("ISU0".."ISU4" under Capabilities.I2cMaster; IDs 0..4).
 * Transfers name the 7-bit target address; plain read()/write() on the fd go to the default
 * target. A target that does not answer fails with ENXIO. Partial transfers count as success.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef int I2C_InterfaceId;
typedef uint32_t I2C_DeviceAddress;

#define I2C_BUS_SPEED_STANDARD 100000u
#define I2C_BUS_SPEED_FAST 400000u
#define I2C_BUS_SPEED_FAST_PLUS 1000000u
#define I2C_BUS_SPEED_HIGH 3400000u

int I2CMaster_Open(I2C_InterfaceId id);
int I2CMaster_SetBusSpeed(int fd, uint32_t speedInHz);
int I2CMaster_SetTimeout(int fd, uint32_t timeoutInMs);
int I2CMaster_SetDefaultTargetAddress(int fd, I2C_DeviceAddress address);
ssize_t I2CMaster_Read(int fd, I2C_DeviceAddress address, uint8_t *buffer, size_t maxLength);
ssize_t I2CMaster_Write(int fd, I2C_DeviceAddress address, const uint8_t *data, size_t length);
ssize_t I2CMaster_WriteThenRead(int fd, I2C_DeviceAddress address, const uint8_t *writeData, size_t lenWriteData, uint8_t *readData, size_t lenReadData);

#ifdef __cplusplus
}
#endif
