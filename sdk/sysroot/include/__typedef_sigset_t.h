/*
 * __typedef_sigset_t.h - a signal set with room for signals 1-64 (Spherekit SDK overlay).
 * wasi-libc's own placeholder is one byte, too small for SIGTERM (15); <poll.h> and
 * <sys/select.h> pick this one up too (they only pass pointers to it).
 */
#ifndef __wasilibc___typedef_sigset_t_h
#define __wasilibc___typedef_sigset_t_h

typedef struct __sigset_t {
    unsigned long __bits[64 / (8 * sizeof(unsigned long))];
} sigset_t;

#endif
