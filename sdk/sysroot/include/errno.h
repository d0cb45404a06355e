/*
 * errno.h - wasi-libc's <errno.h> plus the Linux codes it lacks that device code compares
 * (Spherekit SDK overlay). Values are WASI numbers (EACCES is 2, not Linux's 13); the added ones
 * lie outside WASI's range 0-76, at 1000 + the Linux number.
 */
#ifndef __SPHERE_ERRNO_H
#define __SPHERE_ERRNO_H

#include_next <errno.h>

#ifndef ENODATA
#define ENODATA 1061
#endif

#endif
