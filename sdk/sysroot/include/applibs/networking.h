/*
 * applibs/networking.h - network status (Spherekit SDK, WebAssembly build).
 *
 * Define NETWORKING_STRUCTS_VERSION (1, the default) before including this header to choose the
 * layout of Networking_NetworkInterface. Configuration calls (IP, time sync, proxy, DHCP and SNTP
 * servers) are not part of this SDK yet.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifndef NETWORKING_STRUCTS_VERSION
#define NETWORKING_STRUCTS_VERSION 1
#endif

#if NETWORKING_STRUCTS_VERSION == 1
#include <applibs/networking_structs_v1.h>
typedef struct z__Networking_NetworkInterface_v1 Networking_NetworkInterface;
#else
#error "NETWORKING_STRUCTS_VERSION must be 1 (the only version this SDK knows)"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Bits of an interface's connection status. */
typedef uint32_t Networking_InterfaceConnectionStatus;
enum {
    Networking_InterfaceConnectionStatus_InterfaceUp = 1u << 0,
    Networking_InterfaceConnectionStatus_ConnectedToNetwork = 1u << 1,
    Networking_InterfaceConnectionStatus_IpAvailable = 1u << 2,
    Networking_InterfaceConnectionStatus_ConnectedToInternet = 1u << 3
};

/* Whether the device may go online now: an interface is up and connected, has an address, and
 * the time is synchronised. 0, or -1 with errno EFAULT. */
int Networking_IsNetworkingReady(bool *outIsNetworkingReady);

/* The status bits of an interface such as "wlan0" or "eth0". 0, or -1 with errno EFAULT,
 * ENOENT (no such interface) or EAGAIN (the network stack is not ready). */
int Networking_GetInterfaceConnectionStatus(const char *networkInterfaceName,
                                            Networking_InterfaceConnectionStatus *outStatus);

/* How many network interfaces the device has, or -1 with errno EAGAIN. */
ssize_t Networking_GetInterfaceCount(void);

/* The versioned entry point behind Networking_GetInterfaces. */
ssize_t z__Networking_GetInterfaces(struct z__Networking_NetworkInterface_Base *outNetworkInterfacesArray,
                                    size_t networkInterfacesArrayCount, uint32_t structVersion);

/* Fills up to `networkInterfacesArrayCount` entries; returns how many, or -1 with errno EFAULT,
 * ERANGE (count 0), EINVAL (bad struct version) or EAGAIN. */
static inline ssize_t Networking_GetInterfaces(Networking_NetworkInterface *outNetworkInterfacesArray,
                                               size_t networkInterfacesArrayCount)
{
    return z__Networking_GetInterfaces((struct z__Networking_NetworkInterface_Base *)outNetworkInterfacesArray,
                                       networkInterfacesArrayCount, NETWORKING_STRUCTS_VERSION);
}

#ifdef __cplusplus
}
#endif
