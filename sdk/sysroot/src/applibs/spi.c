/*
 * SPI master (applibs/spi.h): the versioned structs are checked here; a transfer sequence goes to
 * the host as the array of v1 transfers.
 */
#include <stddef.h>
#include <applibs/spi.h>

#include "internal.h"

int z__SPIMaster_InitConfig(struct z__SPIMaster_Config_Base *base, uint32_t structVersion)
{
    if (base == NULL) return __sphere_fail(EFAULT);
    if (structVersion != 1) return __sphere_fail(EINVAL);
    struct z__SPIMaster_Config_v1 *c = (struct z__SPIMaster_Config_v1 *)base;
    c->z__magicAndVersion = z__SPI_MASTER_CONFIG_MAGIC | structVersion;
    c->csPolarity = SPI_ChipSelectPolarity_ActiveLow;
    return 0;
}

int z__SPIMaster_Open(SPI_InterfaceId interfaceId, SPI_ChipSelectId chipSelectId, const struct z__SPIMaster_Config_Base *base)
{
    if (base == NULL) return __sphere_fail(EFAULT);
    if (base->z__magicAndVersion != (z__SPI_MASTER_CONFIG_MAGIC | 1u)) return __sphere_fail(EINVAL);
    const struct z__SPIMaster_Config_v1 *c = (const struct z__SPIMaster_Config_v1 *)base;
    if (c->csPolarity != SPI_ChipSelectPolarity_ActiveLow && c->csPolarity != SPI_ChipSelectPolarity_ActiveHigh) return __sphere_fail(EINVAL);
    return __sphere_result(__sphere_spi_open(interfaceId, chipSelectId, c->csPolarity));
}

int z__SPIMaster_InitTransfers(struct z__SPIMaster_Transfer_Base *base, size_t transferCount, uint32_t structVersion)
{
    if (base == NULL) return __sphere_fail(EFAULT);
    if (structVersion != 1) return __sphere_fail(EINVAL);
    struct z__SPIMaster_Transfer_v1 *t = (struct z__SPIMaster_Transfer_v1 *)base;
    for (size_t i = 0; i < transferCount; i++) {
        t[i].z__magicAndVersion = z__SPI_MASTER_TRANSFER_MAGIC | structVersion;
        t[i].flags = SPI_TransferFlags_None;
        t[i].writeData = NULL;
        t[i].readData = NULL;
        t[i].length = 0;
    }
    return 0;
}

ssize_t z__SPIMaster_TransferSequential(int fd, const struct z__SPIMaster_Transfer_Base *base, size_t transferCount, uint32_t structVersion)
{
    if (base == NULL) return __sphere_fail(EFAULT);
    if (structVersion != 1 || transferCount == 0 || transferCount > SPI_MASTER_MAX_TRANSFERS) return __sphere_fail(EINVAL);
    return __sphere_result(__sphere_spi_transfer(fd, base, (uint32_t)transferCount));
}

int SPIMaster_SetBusSpeed(int fd, uint32_t speedInHz)
{
    return __sphere_result(__sphere_spi_set(fd, 0, speedInHz));
}

int SPIMaster_SetMode(int fd, SPI_Mode mode)
{
    return __sphere_result(__sphere_spi_set(fd, 1, mode));
}

int SPIMaster_SetBitOrder(int fd, SPI_BitOrder order)
{
    return __sphere_result(__sphere_spi_set(fd, 2, order));
}
