/*
 * timerfd_create / timerfd_settime / timerfd_gettime (sys/timerfd.h). wasi-libc's clockid_t is a
 * pointer (CLOCK_MONOTONIC is the address of a constant); the host numbers clocks 0 (realtime)
 * and 1 (monotonic). Timer specs cross as four int64 values: interval s, ns, value s, ns.
 */
#include <stddef.h>
#include <sys/timerfd.h>

#include "internal.h"

static int clock_number(clockid_t clockid)
{
    if (clockid == CLOCK_REALTIME) {
        return 0;
    }
    if (clockid == CLOCK_MONOTONIC) {
        return 1;
    }
    return -1;
}

static void to_spec(const struct itimerspec *t, int64_t spec[4])
{
    spec[0] = (int64_t)t->it_interval.tv_sec;
    spec[1] = (int64_t)t->it_interval.tv_nsec;
    spec[2] = (int64_t)t->it_value.tv_sec;
    spec[3] = (int64_t)t->it_value.tv_nsec;
}

static void from_spec(const int64_t spec[4], struct itimerspec *t)
{
    t->it_interval.tv_sec = (time_t)spec[0];
    t->it_interval.tv_nsec = (long)spec[1];
    t->it_value.tv_sec = (time_t)spec[2];
    t->it_value.tv_nsec = (long)spec[3];
}

int timerfd_create(clockid_t clockid, int flags)
{
    int clock = clock_number(clockid);
    if (clock < 0 || (flags & ~(TFD_NONBLOCK | TFD_CLOEXEC)) != 0) {
        return __sphere_fail(EINVAL);
    }
    return __sphere_result(__sphere_timerfd_create((uint32_t)clock, (flags & TFD_NONBLOCK) ? 1u : 0u));
}

int timerfd_settime(int fd, int flags, const struct itimerspec *new_value, struct itimerspec *old_value)
{
    if (new_value == NULL) {
        return __sphere_fail(EFAULT);
    }
    if ((flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)) != 0) {
        return __sphere_fail(EINVAL);
    }
    int64_t spec[4];
    int64_t old[4];
    to_spec(new_value, spec);
    int r = __sphere_result(__sphere_timerfd_settime(fd, (flags & TFD_TIMER_ABSTIME) ? 1u : 0u, spec,
                                                     old_value != NULL ? old : NULL));
    if (r == 0 && old_value != NULL) {
        from_spec(old, old_value);
    }
    return r;
}

int timerfd_gettime(int fd, struct itimerspec *curr_value)
{
    if (curr_value == NULL) {
        return __sphere_fail(EFAULT);
    }
    int64_t spec[4];
    int r = __sphere_result(__sphere_timerfd_gettime(fd, spec));
    if (r == 0) {
        from_spec(spec, curr_value);
    }
    return r;
}
