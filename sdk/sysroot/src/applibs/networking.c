/*
 * Networking status (applibs/networking.h). The interface list is made from the names the
 * device is known to have, asking the host for each one's status.
 */
#include <stddef.h>
#include <string.h>
#include <applibs/networking.h>

#include "internal.h"

static const struct {
    const char *name;
    Networking_InterfaceMedium_Type medium;
} known_interfaces[] = {
    {"wlan0", Networking_InterfaceMedium_Wifi},
    {"eth0", Networking_InterfaceMedium_Ethernet},
};
#define KNOWN_INTERFACE_COUNT (sizeof known_interfaces / sizeof known_interfaces[0])

int Networking_IsNetworkingReady(bool *outIsNetworkingReady)
{
    if (outIsNetworkingReady == NULL) {
        return __sphere_fail(EFAULT);
    }
    return __sphere_result(__sphere_networking_is_ready(outIsNetworkingReady));
}

static int32_t interface_status(const char *name, uint32_t *status)
{
    int32_t r = __sphere_networking_interface_status(name, (uint32_t)strlen(name), status);
    /* An unknown interface is ENOENT to the app (older hosts answered ENODEV). */
    return r == -ENODEV ? -ENOENT : r;
}

int Networking_GetInterfaceConnectionStatus(const char *networkInterfaceName,
                                            Networking_InterfaceConnectionStatus *outStatus)
{
    if (networkInterfaceName == NULL || outStatus == NULL) {
        return __sphere_fail(EFAULT);
    }
    return __sphere_result(interface_status(networkInterfaceName, outStatus));
}

ssize_t Networking_GetInterfaceCount(void)
{
    ssize_t count = 0;
    for (size_t i = 0; i < KNOWN_INTERFACE_COUNT; i++) {
        uint32_t status;
        int32_t r = interface_status(known_interfaces[i].name, &status);
        if (r == 0) {
            count++;
        } else if (r != -ENOENT) {
            return __sphere_result(r);
        }
    }
    return count;
}

ssize_t z__Networking_GetInterfaces(struct z__Networking_NetworkInterface_Base *outNetworkInterfacesArray,
                                    size_t networkInterfacesArrayCount, uint32_t structVersion)
{
    if (outNetworkInterfacesArray == NULL) {
        return __sphere_fail(EFAULT);
    }
    if (networkInterfacesArrayCount == 0) {
        return __sphere_fail(ERANGE);
    }
    if (structVersion != 1) {
        return __sphere_fail(EINVAL);
    }
    struct z__Networking_NetworkInterface_v1 *out = (struct z__Networking_NetworkInterface_v1 *)outNetworkInterfacesArray;
    ssize_t filled = 0;
    for (size_t i = 0; i < KNOWN_INTERFACE_COUNT && (size_t)filled < networkInterfacesArrayCount; i++) {
        uint32_t status;
        int32_t r = interface_status(known_interfaces[i].name, &status);
        if (r == -ENOENT) {
            continue;
        }
        if (r < 0) {
            return __sphere_result(r);
        }
        struct z__Networking_NetworkInterface_v1 *e = &out[filled++];
        memset(e, 0, sizeof *e);
        e->z__magicAndVersion = z__NETWORKING_NETWORK_INTERFACE_MAGIC | 1u;
        e->isEnabled = (status & Networking_InterfaceConnectionStatus_InterfaceUp) != 0;
        strncpy(e->interfaceName, known_interfaces[i].name, sizeof e->interfaceName - 1);
        e->ipConfigurationType = Networking_IpType_DhcpClient;
        e->interfaceMediumType = known_interfaces[i].medium;
    }
    return filled;
}
