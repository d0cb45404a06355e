/*
 * sys/timerfd.h - timers as file descriptors (Spherekit SDK overlay; wasi-libc has none).
 *
 * read() on a timer fd gives the number of expiries since the last read as a uint64_t (EAGAIN
 * when none and the fd is non-blocking); the fd can be polled and registered on an EventLoop.
 * Clocks: CLOCK_REALTIME and CLOCK_MONOTONIC.
 */
#ifndef _SYS_TIMERFD_H
#define _SYS_TIMERFD_H

#include <time.h>
#include <fcntl.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TFD_NONBLOCK O_NONBLOCK
#define TFD_CLOEXEC 0x80000
#define TFD_TIMER_ABSTIME 1
#define TFD_TIMER_CANCEL_ON_SET 2

int timerfd_create(clockid_t clockid, int flags);
int timerfd_settime(int fd, int flags, const struct itimerspec *new_value, struct itimerspec *old_value);
int timerfd_gettime(int fd, struct itimerspec *curr_value);

#ifdef __cplusplus
}
#endif

#endif
