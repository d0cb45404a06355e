/*
 * net/if.h - network interface names (Spherekit SDK overlay; wasi-libc has no <net/if.h>).
 */
#pragma once

#ifndef IF_NAMESIZE
#define IF_NAMESIZE 16
#endif
#ifndef IFNAMSIZ
#define IFNAMSIZ IF_NAMESIZE
#endif
