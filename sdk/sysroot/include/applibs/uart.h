/*
 * applibs/uart.h - serial ports of the ISU blocks (Spherekit SDK, WebAssembly build).
 *
 * Define UART_STRUCTS_VERSION (1) before including this header; it picks the UART_Config
 * layout. Fill a config with UART_InitConfig, change what differs, and open the port with
 * UART_Open; the fd is read and written with read()/write() (never blocking: short counts or
 * EAGAIN) and can be registered on an EventLoop. The manifest must list the port under
 * Capabilities.Uart ("ISU0".."ISU4"; UART IDs are 4..8 in the hardware definition headers).
 */
#pragma once

#include <stdint.h>

#ifndef UART_STRUCTS_VERSION
#define UART_STRUCTS_VERSION 1
#endif
#if UART_STRUCTS_VERSION != 1
#error "UART_STRUCTS_VERSION must be 1"
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef int UART_Id;
typedef uint32_t UART_BaudRate_Type;

typedef uint8_t UART_BlockingMode_Type;
enum { UART_BlockingMode_NonBlocking = 0 };
typedef uint8_t UART_DataBits_Type;
enum { UART_DataBits_Five = 5, UART_DataBits_Six = 6, UART_DataBits_Seven = 7, UART_DataBits_Eight = 8 };
typedef uint8_t UART_Parity_Type;
enum { UART_Parity_None = 0, UART_Parity_Even = 1, UART_Parity_Odd = 2 };
typedef uint8_t UART_StopBits_Type;
enum { UART_StopBits_One = 1, UART_StopBits_Two = 2 };
typedef uint8_t UART_FlowControl_Type;
enum { UART_FlowControl_None = 0, UART_FlowControl_RTSCTS = 1, UART_FlowControl_XONXOFF = 2 };

/* What every version starts with. */
struct z__UART_Config_Base {
    uint32_t z__magicAndVersion;
};

/* 16 bytes on wasm32: magic 0, baudRate 4, blockingMode 8, dataBits 9, parity 10, stopBits 11, flowControl 12. */
struct z__UART_Config_v1 {
    uint32_t z__magicAndVersion;
    UART_BaudRate_Type baudRate;
    UART_BlockingMode_Type blockingMode;
    UART_DataBits_Type dataBits;
    UART_Parity_Type parity;
    UART_StopBits_Type stopBits;
    UART_FlowControl_Type flowControl;
};

/* Upper half of z__magicAndVersion; the lower half is the version. */
#define z__UART_CONFIG_MAGIC 0xde2a0000u

typedef struct z__UART_Config_v1 UART_Config;

int z__UART_InitConfig(struct z__UART_Config_Base *uartConfig, uint32_t structVersion);
int z__UART_Open(UART_Id uartId, const struct z__UART_Config_Base *uartConfig);

/* Sets 115200 baud, 8 data bits, no parity, one stop bit, no flow control, non-blocking. */
static inline void UART_InitConfig(UART_Config *uartConfig)
{
    z__UART_InitConfig((struct z__UART_Config_Base *)uartConfig, UART_STRUCTS_VERSION);
}

/* An fd for the port, or -1 with errno: EACCES (not in the manifest), ENODEV (no such UART),
 * EINVAL (a bad config), EBUSY (already open), EFAULT (no config). */
static inline int UART_Open(UART_Id uartId, const UART_Config *uartConfig)
{
    return z__UART_Open(uartId, (const struct z__UART_Config_Base *)uartConfig);
}

#ifdef __cplusplus
}
#endif
