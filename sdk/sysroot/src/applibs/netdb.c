/*
 * The resolver (netdb.h): getaddrinfo, freeaddrinfo, gai_strerror and gethostbyname for IPv4 TCP.
 * A numeric host is parsed here; a name is the host's to resolve (it refuses names the manifest
 * does not allow). Each result is one block: the addrinfo, its sockaddr_in and the canonical name.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define MAX_ADDRESSES 8

int h_errno;

static int port_of(const char *service, const struct addrinfo *hints, uint16_t *port)
{
    *port = 0;
    if (service == NULL) {
        return 0;
    }
    char *end;
    long p = strtol(service, &end, 10);
    if (*service == '\0' || *end != '\0' || p < 0 || p > 65535) {
        /* Service names would need /etc/services; the two every HTTP client asks for are known. */
        if (hints != NULL && (hints->ai_flags & AI_NUMERICSERV)) {
            return EAI_NONAME;
        }
        if (strcmp(service, "https") == 0) {
            p = 443;
        } else if (strcmp(service, "http") == 0) {
            p = 80;
        } else {
            return EAI_SERVICE;
        }
    }
    *port = (uint16_t)p;
    return 0;
}

int getaddrinfo(const char *__restrict node, const char *__restrict service, const struct addrinfo *__restrict hints, struct addrinfo **__restrict result)
{
    if (result == NULL || (node == NULL && service == NULL)) {
        return EAI_NONAME;
    }
    int family = hints != NULL ? hints->ai_family : AF_UNSPEC;
    int socktype = hints != NULL ? hints->ai_socktype : 0;
    int flags = hints != NULL ? hints->ai_flags : 0;
    if (family != AF_UNSPEC && family != AF_INET) {
        return EAI_FAMILY;
    }
    if (socktype != 0 && socktype != SOCK_STREAM) {
        return EAI_SOCKTYPE;
    }
    uint16_t port;
    int e = port_of(service, hints, &port);
    if (e != 0) {
        return e;
    }
    uint8_t ips[MAX_ADDRESSES * 4];
    int count;
    struct in_addr numeric;
    if (node == NULL) {
        uint32_t any = (flags & AI_PASSIVE) ? htonl(INADDR_ANY) : htonl(INADDR_LOOPBACK);
        memcpy(ips, &any, 4);
        count = 1;
    } else if (inet_pton(AF_INET, node, &numeric) == 1) {
        memcpy(ips, &numeric.s_addr, 4);
        count = 1;
    } else if (flags & AI_NUMERICHOST) {
        return EAI_NONAME;
    } else {
        count = __sphere_net_resolve(node, (uint32_t)strlen(node), ips, MAX_ADDRESSES);
        if (count < 0) {
            return count;
        }
        if (count == 0) {
            return EAI_NONAME;
        }
    }
    const char *canon = (flags & AI_CANONNAME) && node != NULL ? node : NULL;
    size_t canonSize = canon != NULL ? strlen(canon) + 1 : 0;
    struct addrinfo *first = NULL;
    struct addrinfo **tail = &first;
    for (int i = 0; i < count; i++) {
        size_t size = sizeof(struct addrinfo) + sizeof(struct sockaddr_in) + (i == 0 ? canonSize : 0);
        unsigned char *block = calloc(1, size);
        if (block == NULL) {
            freeaddrinfo(first);
            return EAI_MEMORY;
        }
        struct addrinfo *ai = (struct addrinfo *)block;
        struct sockaddr_in *in = (struct sockaddr_in *)(block + sizeof(struct addrinfo));
        in->sin_family = AF_INET;
        in->sin_port = htons(port);
        memcpy(&in->sin_addr.s_addr, ips + i * 4, 4);
        ai->ai_family = AF_INET;
        ai->ai_socktype = SOCK_STREAM;
        ai->ai_protocol = IPPROTO_TCP;
        ai->ai_addrlen = sizeof(struct sockaddr_in);
        ai->ai_addr = (struct sockaddr *)in;
        if (i == 0 && canon != NULL) {
            ai->ai_canonname = (char *)(block + sizeof(struct addrinfo) + sizeof(struct sockaddr_in));
            memcpy(ai->ai_canonname, canon, canonSize);
        }
        *tail = ai;
        tail = &ai->ai_next;
    }
    *result = first;
    return 0;
}

void freeaddrinfo(struct addrinfo *list)
{
    while (list != NULL) {
        struct addrinfo *next = list->ai_next;
        free(list);
        list = next;
    }
}

const char *gai_strerror(int code)
{
    switch (code) {
    case 0: return "Success";
    case EAI_BADFLAGS: return "Invalid flags";
    case EAI_NONAME: return "Name does not resolve";
    case EAI_AGAIN: return "Temporary failure in name resolution";
    case EAI_FAIL: return "Non-recoverable failure in name resolution";
    case EAI_FAMILY: return "Address family not supported";
    case EAI_SOCKTYPE: return "Socket type not supported";
    case EAI_SERVICE: return "Unknown service";
    case EAI_MEMORY: return "Out of memory";
    case EAI_SYSTEM: return "System error";
    case EAI_OVERFLOW: return "Buffer overflow";
    default: return "Unknown error";
    }
}

struct hostent *gethostbyname(const char *name)
{
    static struct hostent entry;
    static struct in_addr addresses[MAX_ADDRESSES];
    static char *list[MAX_ADDRESSES + 1];
    static char *aliases[1];
    static char canonical[256];
    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM};
    struct addrinfo *found = NULL;
    int e = getaddrinfo(name, NULL, &hints, &found);
    if (e != 0) {
        h_errno = e == EAI_AGAIN ? TRY_AGAIN : HOST_NOT_FOUND;
        return NULL;
    }
    int n = 0;
    for (struct addrinfo *ai = found; ai != NULL && n < MAX_ADDRESSES; ai = ai->ai_next) {
        addresses[n] = ((struct sockaddr_in *)ai->ai_addr)->sin_addr;
        list[n] = (char *)&addresses[n];
        n++;
    }
    list[n] = NULL;
    freeaddrinfo(found);
    strncpy(canonical, name, sizeof canonical - 1);
    entry.h_name = canonical;
    entry.h_aliases = aliases;
    entry.h_addrtype = AF_INET;
    entry.h_length = 4;
    entry.h_addr_list = list;
    return &entry;
}
