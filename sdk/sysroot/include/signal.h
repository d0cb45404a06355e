/*
 * signal.h - POSIX signals for WebAssembly apps (Spherekit SDK overlay). wasi-libc's header
 * refuses to compile without _WASI_EMULATED_SIGNAL and has no sigaction; this one replaces it.
 *
 * Only SIGTERM is ever raised, by the device (app stop, update, power down). The handler runs
 * while the app waits (poll, read, sleep, EventLoop_Run), which then fail with EINTR, or at the
 * app's next device call.
 */
#ifndef _SIGNAL_H
#define _SIGNAL_H

#include <__typedef_sigset_t.h>
#include <__struct_timespec.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SIGHUP    1
#define SIGINT    2
#define SIGQUIT   3
#define SIGILL    4
#define SIGTRAP   5
#define SIGABRT   6
#define SIGIOT    SIGABRT
#define SIGBUS    7
#define SIGFPE    8
#define SIGKILL   9
#define SIGUSR1   10
#define SIGSEGV   11
#define SIGUSR2   12
#define SIGPIPE   13
#define SIGALRM   14
#define SIGTERM   15
#define SIGSTKFLT 16
#define SIGCHLD   17
#define SIGCONT   18
#define SIGSTOP   19
#define SIGTSTP   20
#define SIGTTIN   21
#define SIGTTOU   22
#define SIGURG    23
#define SIGXCPU   24
#define SIGXFSZ   25
#define SIGVTALRM 26
#define SIGPROF   27
#define SIGWINCH  28
#define SIGIO     29
#define SIGPOLL   SIGIO
#define SIGPWR    30
#define SIGSYS    31
#define _NSIG     65
#define NSIG      _NSIG

#define SIG_BLOCK   0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

#define SA_NOCLDSTOP 1
#define SA_NOCLDWAIT 2
#define SA_SIGINFO   4
#define SA_ONSTACK   0x08000000
#define SA_RESTART   0x10000000
#define SA_NODEFER   0x40000000
#define SA_RESETHAND 0x80000000

/* In WebAssembly a function pointer is a table index, and 1 may be a real function: SIG_IGN and
 * SIG_ERR are the addresses of marker functions, as in wasi-libc. */
void __SIG_ERR(int);
void __SIG_IGN(int);
#define SIG_ERR (__SIG_ERR)
#define SIG_DFL ((void (*)(int))0)
#define SIG_IGN (__SIG_IGN)

typedef int sig_atomic_t;

union sigval {
    int sival_int;
    void *sival_ptr;
};

typedef struct {
    int si_signo;
    int si_errno;
    int si_code;
    pid_t si_pid;
    uid_t si_uid;
    int si_status;
    union sigval si_value;
} siginfo_t;

#define SI_USER 0

struct sigaction {
    union {
        void (*sa_handler)(int);
        void (*sa_sigaction)(int, siginfo_t *, void *);
    } __sa_handler;
    sigset_t sa_mask;
    int sa_flags;
    void (*sa_restorer)(void);
};
#define sa_handler __sa_handler.sa_handler
#define sa_sigaction __sa_handler.sa_sigaction

typedef void (*sighandler_t)(int);

void (*signal(int sig, void (*handler)(int)))(int);
int raise(int sig);

int sigemptyset(sigset_t *set);
int sigfillset(sigset_t *set);
int sigaddset(sigset_t *set, int sig);
int sigdelset(sigset_t *set, int sig);
int sigismember(const sigset_t *set, int sig);

int sigaction(int sig, const struct sigaction *__restrict act, struct sigaction *__restrict oldact);
int sigprocmask(int how, const sigset_t *__restrict set, sigset_t *__restrict oldset);
int pthread_sigmask(int how, const sigset_t *__restrict set, sigset_t *__restrict oldset);
int sigpending(sigset_t *set);
int sigtimedwait(const sigset_t *__restrict set, siginfo_t *__restrict info, const struct timespec *__restrict timeout);
int sigwaitinfo(const sigset_t *__restrict set, siginfo_t *__restrict info);
int sigwait(const sigset_t *__restrict set, int *__restrict sig);

#ifdef __cplusplus
}
#endif

#endif
