/*
 * sigaction and friends (signal.h overlay). The host keeps each signal's disposition (default,
 * ignore, or a handler as a function-table index) and runs the handler at a blocking point; only
 * SIGTERM is ever raised, so masks and waits are about SIGTERM. Other signals' mask bits are kept
 * here so that sigprocmask round-trips.
 */
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define FIRST_SIGNAL 1
#define LAST_SIGNAL 31
#define BITS_PER_WORD (8 * sizeof(unsigned long))

void __SIG_ERR(int sig)
{
    (void)sig;
}

void __SIG_IGN(int sig)
{
    (void)sig;
}

static struct sigaction actions[LAST_SIGNAL + 1];
static sigset_t blocked_here;

static int valid_signal(int sig)
{
    return sig >= FIRST_SIGNAL && sig <= LAST_SIGNAL;
}

int sigemptyset(sigset_t *set)
{
    if (set == NULL) {
        return __sphere_fail(EFAULT);
    }
    memset(set, 0, sizeof *set);
    return 0;
}

int sigfillset(sigset_t *set)
{
    if (set == NULL) {
        return __sphere_fail(EFAULT);
    }
    memset(set, 0xff, sizeof *set);
    return 0;
}

int sigaddset(sigset_t *set, int sig)
{
    if (set == NULL) {
        return __sphere_fail(EFAULT);
    }
    if (sig < 1 || sig >= _NSIG) {
        return __sphere_fail(EINVAL);
    }
    unsigned bit = (unsigned)(sig - 1);
    set->__bits[bit / BITS_PER_WORD] |= 1UL << (bit % BITS_PER_WORD);
    return 0;
}

int sigdelset(sigset_t *set, int sig)
{
    if (set == NULL) {
        return __sphere_fail(EFAULT);
    }
    if (sig < 1 || sig >= _NSIG) {
        return __sphere_fail(EINVAL);
    }
    unsigned bit = (unsigned)(sig - 1);
    set->__bits[bit / BITS_PER_WORD] &= ~(1UL << (bit % BITS_PER_WORD));
    return 0;
}

int sigismember(const sigset_t *set, int sig)
{
    if (set == NULL) {
        return __sphere_fail(EFAULT);
    }
    if (sig < 1 || sig >= _NSIG) {
        return __sphere_fail(EINVAL);
    }
    unsigned bit = (unsigned)(sig - 1);
    return (set->__bits[bit / BITS_PER_WORD] >> (bit % BITS_PER_WORD)) & 1UL ? 1 : 0;
}

int sigaction(int sig, const struct sigaction *restrict act, struct sigaction *restrict oldact)
{
    if (!valid_signal(sig)) {
        return __sphere_fail(EINVAL);
    }
    if (act != NULL && (sig == SIGKILL || sig == SIGSTOP)) {
        return __sphere_fail(EINVAL);
    }
    struct sigaction previous = actions[sig];
    if (act != NULL) {
        void (*handler)(int) = act->sa_handler;
        uint32_t kind = handler == SIG_DFL ? 0u : handler == SIG_IGN ? 1u : 2u;
        uint32_t index = kind == 2u ? (uint32_t)(uintptr_t)handler : 0u;
        if (__sphere_result(__sphere_signal_action(sig, kind, index)) < 0) {
            return -1;
        }
        actions[sig] = *act;
    }
    if (oldact != NULL) {
        *oldact = previous;
    }
    return 0;
}

void (*signal(int sig, void (*handler)(int)))(int)
{
    struct sigaction act;
    struct sigaction old;
    memset(&act, 0, sizeof act);
    act.sa_handler = handler;
    if (sigaction(sig, &act, &old) < 0) {
        return SIG_ERR;
    }
    return old.sa_handler;
}

int raise(int sig)
{
    if (!valid_signal(sig)) {
        return __sphere_fail(EINVAL);
    }
    void (*handler)(int) = actions[sig].sa_handler;
    if (handler == SIG_IGN) {
        return 0;
    }
    if (handler == SIG_DFL) {
        _Exit(128 + sig);
    }
    handler(sig);
    return 0;
}

int sigprocmask(int how, const sigset_t *restrict set, sigset_t *restrict oldset)
{
    if (set != NULL && how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK) {
        return __sphere_fail(EINVAL);
    }
    sigset_t previous = blocked_here;
    int32_t was;
    if (set == NULL) {
        was = __sphere_signal_mask(SIG_BLOCK, 0);
    } else {
        was = __sphere_signal_mask((uint32_t)how, sigismember(set, SIGTERM) == 1 ? 1u : 0u);
    }
    if (__sphere_result(was) < 0) {
        return -1;
    }
    if (set != NULL) {
        for (size_t i = 0; i < sizeof blocked_here.__bits / sizeof blocked_here.__bits[0]; i++) {
            if (how == SIG_BLOCK) {
                blocked_here.__bits[i] |= set->__bits[i];
            } else if (how == SIG_UNBLOCK) {
                blocked_here.__bits[i] &= ~set->__bits[i];
            } else {
                blocked_here.__bits[i] = set->__bits[i];
            }
        }
        sigdelset(&blocked_here, SIGKILL);
        sigdelset(&blocked_here, SIGSTOP);
    }
    if (oldset != NULL) {
        *oldset = previous;
        if (was == 1) {
            sigaddset(oldset, SIGTERM);
        } else {
            sigdelset(oldset, SIGTERM);
        }
    }
    return 0;
}

int pthread_sigmask(int how, const sigset_t *restrict set, sigset_t *restrict oldset)
{
    return sigprocmask(how, set, oldset) < 0 ? errno : 0;
}

int sigpending(sigset_t *set)
{
    /* Nothing tells the app what is pending without consuming it; report an empty set. */
    return sigemptyset(set);
}

int sigtimedwait(const sigset_t *restrict set, siginfo_t *restrict info, const struct timespec *restrict timeout)
{
    if (set == NULL) {
        return __sphere_fail(EFAULT);
    }
    int64_t ns = -1;
    if (timeout != NULL) {
        if (timeout->tv_sec < 0 || timeout->tv_nsec < 0 || timeout->tv_nsec >= 1000000000L) {
            return __sphere_fail(EINVAL);
        }
        ns = (int64_t)timeout->tv_sec * 1000000000LL + (int64_t)timeout->tv_nsec;
    }
    if (sigismember(set, SIGTERM) != 1) {
        /* No other signal is ever raised: wait out the timeout. */
        for (;;) {
            struct timespec chunk = {3600, 0};
            if (nanosleep(timeout != NULL ? timeout : &chunk, NULL) < 0) {
                return -1;
            }
            if (timeout != NULL) {
                return __sphere_fail(EAGAIN);
            }
        }
    }
    int r = __sphere_result(__sphere_signal_wait(ns));
    if (r < 0) {
        return -1;
    }
    if (info != NULL) {
        memset(info, 0, sizeof *info);
        info->si_signo = r;
        info->si_code = SI_USER;
    }
    return r;
}

int sigwaitinfo(const sigset_t *restrict set, siginfo_t *restrict info)
{
    return sigtimedwait(set, info, NULL);
}

int sigwait(const sigset_t *restrict set, int *restrict sig)
{
    int r = sigtimedwait(set, NULL, NULL);
    if (r < 0) {
        return errno;
    }
    if (sig != NULL) {
        *sig = r;
    }
    return 0;
}
