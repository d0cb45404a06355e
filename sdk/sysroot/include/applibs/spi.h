/*
 * applibs/spi.h - SPI masters of the ISU blocks (Spherekit SDK, WebAssembly build).
 *
 * Define SPI_STRUCTS_VERSION (1) before including this header. SPIMaster_Open gives an fd for an
 * ISU bus ("ISU0".."ISU4" under Capabilities.SpiMaster; IDs 0..4) and a chip select (MT3620_SPI_CS_A
 * or _B); transfers are half duplex, and a sequence keeps the chip select asserted throughout.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <sys/types.h>

#ifndef SPI_STRUCTS_VERSION
#define SPI_STRUCTS_VERSION 1
#endif
#if SPI_STRUCTS_VERSION != 1
#error "SPI_STRUCTS_VERSION must be 1"
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef int SPI_InterfaceId;
typedef int SPI_ChipSelectId;
#define SPI_MASTER_MAX_TRANSFERS 256

typedef uint32_t SPI_Mode;
enum { SPI_Mode_Invalid = 0, SPI_Mode_0 = 1, SPI_Mode_1 = 2, SPI_Mode_2 = 3, SPI_Mode_3 = 4 };
typedef uint32_t SPI_BitOrder;
enum { SPI_BitOrder_Invalid = 0, SPI_BitOrder_LsbFirst = 1, SPI_BitOrder_MsbFirst = 2 };
typedef uint32_t SPI_ChipSelectPolarity;
enum { SPI_ChipSelectPolarity_Invalid = 0, SPI_ChipSelectPolarity_ActiveLow = 1, SPI_ChipSelectPolarity_ActiveHigh = 2 };
typedef uint32_t SPI_TransferFlags;
enum { SPI_TransferFlags_None = 0, SPI_TransferFlags_Read = 1, SPI_TransferFlags_Write = 2 };

struct z__SPIMaster_Config_Base { uint32_t z__magicAndVersion; };
/* 8 bytes on wasm32: magic 0, csPolarity 4. */
struct z__SPIMaster_Config_v1 {
    uint32_t z__magicAndVersion;
    SPI_ChipSelectPolarity csPolarity;
};
struct z__SPIMaster_Transfer_Base { uint32_t z__magicAndVersion; };
/* 20 bytes on wasm32: magic 0, flags 4, writeData 8, readData 12, length 16. */
struct z__SPIMaster_Transfer_v1 {
    uint32_t z__magicAndVersion;
    SPI_TransferFlags flags;
    const uint8_t *writeData;
    uint8_t *readData;
    size_t length;
};
#define z__SPI_MASTER_CONFIG_MAGIC 0x45170000u
#define z__SPI_MASTER_TRANSFER_MAGIC 0x22130000u

typedef struct z__SPIMaster_Config_v1 SPIMaster_Config;
typedef struct z__SPIMaster_Transfer_v1 SPIMaster_Transfer;

int z__SPIMaster_InitConfig(struct z__SPIMaster_Config_Base *config, uint32_t structVersion);
int z__SPIMaster_Open(SPI_InterfaceId interfaceId, SPI_ChipSelectId chipSelectId, const struct z__SPIMaster_Config_Base *config);
int z__SPIMaster_InitTransfers(struct z__SPIMaster_Transfer_Base *transfers, size_t transferCount, uint32_t structVersion);
ssize_t z__SPIMaster_TransferSequential(int fd, const struct z__SPIMaster_Transfer_Base *transfers, size_t transferCount, uint32_t structVersion);
int SPIMaster_SetBusSpeed(int fd, uint32_t speedInHz);
int SPIMaster_SetMode(int fd, SPI_Mode mode);
int SPIMaster_SetBitOrder(int fd, SPI_BitOrder order);

/* Fills the magic and the default chip-select polarity (active low). */
static inline int SPIMaster_InitConfig(SPIMaster_Config *config)
{
    return z__SPIMaster_InitConfig((struct z__SPIMaster_Config_Base *)config, SPI_STRUCTS_VERSION);
}

/* Opens with mode 0 and most significant bit first. */
static inline int SPIMaster_Open(SPI_InterfaceId interfaceId, SPI_ChipSelectId chipSelectId, const SPIMaster_Config *config)
{
    return z__SPIMaster_Open(interfaceId, chipSelectId, (const struct z__SPIMaster_Config_Base *)config);
}

static inline int SPIMaster_InitTransfers(SPIMaster_Transfer *transfers, size_t transferCount)
{
    return z__SPIMaster_InitTransfers((struct z__SPIMaster_Transfer_Base *)transfers, transferCount, SPI_STRUCTS_VERSION);
}

static inline ssize_t SPIMaster_TransferSequential(int fd, const SPIMaster_Transfer *transfers, size_t transferCount)
{
    return z__SPIMaster_TransferSequential(fd, (const struct z__SPIMaster_Transfer_Base *)transfers, transferCount, SPI_STRUCTS_VERSION);
}

/* A write then a read with the chip select held: EFAULT for a missing buffer, EINVAL for a zero length. */
static inline ssize_t SPIMaster_WriteThenRead(int fd, const uint8_t *writeData, size_t lenWriteData, uint8_t *readData, size_t lenReadData)
{
    if (writeData == NULL || readData == NULL) { errno = EFAULT; return -1; }
    if (lenWriteData == 0 || lenReadData == 0) { errno = EINVAL; return -1; }
    SPIMaster_Transfer t[2];
    if (SPIMaster_InitTransfers(t, 2) != 0) return -1;
    t[0].flags = SPI_TransferFlags_Write; t[0].writeData = writeData; t[0].length = lenWriteData;
    t[1].flags = SPI_TransferFlags_Read; t[1].readData = readData; t[1].length = lenReadData;
    return SPIMaster_TransferSequential(fd, t, 2);
}

#ifdef __cplusplus
}
#endif
