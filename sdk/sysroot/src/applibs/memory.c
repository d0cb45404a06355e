/*
 * The heap's growth: the toolchain links apps with --wrap=sbrk, so wasi-libc's malloc grows
 * memory through this function. When the linear memory cannot grow (the device's memory cap),
 * the host is told once per failure and malloc returns NULL as usual.
 */
#include <stdint.h>
#include <unistd.h>

#include "internal.h"

void *__real_sbrk(intptr_t increment);

void *__wrap_sbrk(intptr_t increment)
{
    void *r = __real_sbrk(increment);
    if (r == (void *)-1 && increment > 0) {
        __sphere_memory_denied((uint32_t)increment);
    }
    return r;
}
