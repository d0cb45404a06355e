/*
 * UART (applibs/uart.h): the versioned config is checked here, then the host opens the port.
 */
#include <stddef.h>
#include <applibs/uart.h>

#include "internal.h"

int z__UART_InitConfig(struct z__UART_Config_Base *base, uint32_t structVersion)
{
    if (base == NULL) {
        return __sphere_fail(EFAULT);
    }
    if (structVersion != 1) {
        return __sphere_fail(EINVAL);
    }
    struct z__UART_Config_v1 *c = (struct z__UART_Config_v1 *)base;
    c->z__magicAndVersion = z__UART_CONFIG_MAGIC | structVersion;
    c->baudRate = 115200;
    c->blockingMode = UART_BlockingMode_NonBlocking;
    c->dataBits = UART_DataBits_Eight;
    c->parity = UART_Parity_None;
    c->stopBits = UART_StopBits_One;
    c->flowControl = UART_FlowControl_None;
    return 0;
}

int z__UART_Open(UART_Id uartId, const struct z__UART_Config_Base *base)
{
    if (base == NULL) {
        return __sphere_fail(EFAULT);
    }
    if (base->z__magicAndVersion != (z__UART_CONFIG_MAGIC | 1u)) {
        return __sphere_fail(EINVAL);
    }
    const struct z__UART_Config_v1 *c = (const struct z__UART_Config_v1 *)base;
    if (c->blockingMode != UART_BlockingMode_NonBlocking) {
        return __sphere_fail(EINVAL);
    }
    return __sphere_result(__sphere_uart_open(uartId, c->baudRate, c->dataBits, c->parity, c->stopBits, c->flowControl));
}
