/*
 * I2C master (applibs/i2c.h): wrappers over the host; every transfer is one host call (a write,
 * a read, or a write then a read with a repeated start).
 */
#include <stddef.h>
#include <applibs/i2c.h>

#include "internal.h"

int I2CMaster_Open(I2C_InterfaceId id)
{
    return __sphere_result(__sphere_i2c_open(id));
}

int I2CMaster_SetBusSpeed(int fd, uint32_t speedInHz)
{
    return __sphere_result(__sphere_i2c_set(fd, 0, speedInHz));
}

int I2CMaster_SetTimeout(int fd, uint32_t timeoutInMs)
{
    return __sphere_result(__sphere_i2c_set(fd, 1, timeoutInMs));
}

int I2CMaster_SetDefaultTargetAddress(int fd, I2C_DeviceAddress address)
{
    return __sphere_result(__sphere_i2c_set(fd, 2, address));
}

ssize_t I2CMaster_Read(int fd, I2C_DeviceAddress address, uint8_t *buffer, size_t maxLength)
{
    if (buffer == NULL && maxLength) {
        return __sphere_fail(EFAULT);
    }
    return __sphere_result(__sphere_i2c_transfer(fd, address, NULL, 0, buffer, (uint32_t)maxLength));
}

ssize_t I2CMaster_Write(int fd, I2C_DeviceAddress address, const uint8_t *data, size_t length)
{
    if (data == NULL && length) {
        return __sphere_fail(EFAULT);
    }
    return __sphere_result(__sphere_i2c_transfer(fd, address, data, (uint32_t)length, NULL, 0));
}

ssize_t I2CMaster_WriteThenRead(int fd, I2C_DeviceAddress address, const uint8_t *writeData, size_t lenWriteData, uint8_t *readData, size_t lenReadData)
{
    if ((writeData == NULL && lenWriteData) || (readData == NULL && lenReadData)) {
        return __sphere_fail(EFAULT);
    }
    return __sphere_result(__sphere_i2c_transfer(fd, address, writeData, (uint32_t)lenWriteData, readData, (uint32_t)lenReadData));
}
