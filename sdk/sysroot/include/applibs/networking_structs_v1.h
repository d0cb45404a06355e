/*
 * applibs/networking_structs_v1.h - version 1 of the versioned networking structs (Spherekit
 * SDK). Include <applibs/networking.h> rather than this file.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>

#ifdef __cplusplus
extern "C" {
#endif

/* How an interface gets its address. */
typedef enum {
    Networking_IpType_DhcpNone = 0,
    Networking_IpType_DhcpClient = 1
} Networking_IpType;
/* Networking_IpType as stored in structs. */
typedef uint8_t Networking_IpType_Type;

/* The medium an interface uses. */
typedef enum {
    Networking_InterfaceMedium_Unspecified = 0,
    Networking_InterfaceMedium_Wifi = 1,
    Networking_InterfaceMedium_Ethernet = 2
} Networking_InterfaceMedium;
/* Networking_InterfaceMedium as stored in structs. */
typedef uint8_t Networking_InterfaceMedium_Type;

/* The fields every version of the struct starts with. */
struct z__Networking_NetworkInterface_Base {
    uint32_t z__magicAndVersion;
};

/* 32 bytes on wasm32: magic 0, isEnabled 4, interfaceName 5, reserved 24,
 * ipConfigurationType 28, interfaceMediumType 29. */
struct z__Networking_NetworkInterface_v1 {
    uint32_t z__magicAndVersion;
    bool isEnabled;
    char interfaceName[IF_NAMESIZE];
    uint32_t reserved;
    Networking_IpType_Type ipConfigurationType;
    Networking_InterfaceMedium_Type interfaceMediumType;
};

/* Upper half of z__magicAndVersion; the lower half is the version. */
#define z__NETWORKING_NETWORK_INTERFACE_MAGIC 0xfa9a0000u

#ifdef __cplusplus
}
#endif
