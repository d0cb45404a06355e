/*
 * EventLoop (applibs/eventloop.h) over poll(). Registrations form a list in registration order;
 * each pass builds a pollfd array from the live ones, waits, and dispatches ready fds starting
 * after the last one served, so a busy fd cannot starve the others when the app asks for one
 * event at a time. A registration removed (or a loop closed) from inside a callback is only
 * marked, and freed when EventLoop_Run returns.
 *
 * poll() fails with EINTR when the host ran a signal handler while the app waited; EventLoop_Run
 * then fails with EINTR, which apps treat as "check your exit flag".
 */
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>
#include <applibs/eventloop.h>

#include "internal.h"

#define KNOWN_EVENTS (EventLoop_Input | EventLoop_Output | EventLoop_Error)
/* The longest single wait when the loop waits forever: poll() needs a timeout or an fd. */
#define FOREVER_CHUNK_MS (3600 * 1000)

struct EventRegistration {
    EventLoop *loop;
    int fd;
    EventLoop_IoEvents events;
    EventLoopIoCallback *callback;
    void *context;
    bool removed;
    struct EventRegistration *next;
};

struct EventLoop {
    EventRegistration *first;
    EventRegistration *last;
    bool running;
    bool stop_requested;
    bool close_requested;
    size_t next_start;
    struct pollfd *polls;
    EventRegistration **polled;
    size_t capacity;
};

static int64_t now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void free_registrations(EventLoop *el, bool all)
{
    EventRegistration **link = &el->first;
    el->last = NULL;
    while (*link != NULL) {
        EventRegistration *reg = *link;
        if (all || reg->removed) {
            *link = reg->next;
            free(reg);
        } else {
            el->last = reg;
            link = &reg->next;
        }
    }
}

static void free_loop(EventLoop *el)
{
    free_registrations(el, true);
    free(el->polls);
    free(el->polled);
    free(el);
}

EventLoop *EventLoop_Create(void)
{
    EventLoop *el = calloc(1, sizeof *el);
    if (el == NULL) {
        errno = ENOMEM;
    }
    return el;
}

void EventLoop_Close(EventLoop *el)
{
    if (el == NULL) {
        return;
    }
    if (el->running) {
        el->close_requested = true;
        return;
    }
    free_loop(el);
}

int EventLoop_Stop(EventLoop *el)
{
    if (el == NULL) {
        return __sphere_fail(EFAULT);
    }
    el->stop_requested = true;
    return 0;
}

int EventLoop_GetWaitDescriptor(EventLoop *el)
{
    if (el == NULL) {
        return __sphere_fail(EFAULT);
    }
    return __sphere_fail(ENOSYS);
}

EventRegistration *EventLoop_RegisterIo(EventLoop *el, int fd, EventLoop_IoEvents eventBitmask,
                                        EventLoopIoCallback *callback, void *context)
{
    if (el == NULL || callback == NULL) {
        errno = EFAULT;
        return NULL;
    }
    if ((eventBitmask & ~(EventLoop_IoEvents)KNOWN_EVENTS) != 0) {
        errno = EINVAL;
        return NULL;
    }
    if (fd < 0 || fcntl(fd, F_GETFL) < 0) {
        errno = EBADF;
        return NULL;
    }
    for (EventRegistration *r = el->first; r != NULL; r = r->next) {
        if (!r->removed && r->fd == fd) {
            errno = EEXIST;
            return NULL;
        }
    }
    EventRegistration *reg = calloc(1, sizeof *reg);
    if (reg == NULL) {
        errno = ENOMEM;
        return NULL;
    }
    reg->loop = el;
    reg->fd = fd;
    reg->events = eventBitmask;
    reg->callback = callback;
    reg->context = context;
    if (el->last != NULL) {
        el->last->next = reg;
    } else {
        el->first = reg;
    }
    el->last = reg;
    return reg;
}

int EventLoop_ModifyIoEvents(EventLoop *el, EventRegistration *reg, EventLoop_IoEvents eventBitmask)
{
    if (el == NULL || reg == NULL) {
        return __sphere_fail(EFAULT);
    }
    if (reg->loop != el || reg->removed || (eventBitmask & ~(EventLoop_IoEvents)KNOWN_EVENTS) != 0) {
        return __sphere_fail(EINVAL);
    }
    reg->events = eventBitmask;
    return 0;
}

int EventLoop_UnregisterIo(EventLoop *el, EventRegistration *reg)
{
    if (el == NULL) {
        return __sphere_fail(EFAULT);
    }
    if (reg == NULL) {
        return 0;
    }
    if (reg->loop != el || reg->removed) {
        return __sphere_fail(EINVAL);
    }
    reg->removed = true;
    if (!el->running) {
        free_registrations(el, false);
    }
    return 0;
}

/* Fills el->polls with the registrations that wait for something; returns how many. */
static int build_polls(EventLoop *el, size_t *count)
{
    size_t n = 0;
    for (EventRegistration *r = el->first; r != NULL; r = r->next) {
        n++;
    }
    if (n > el->capacity) {
        struct pollfd *polls = realloc(el->polls, n * sizeof *polls);
        if (polls == NULL) {
            return -1;
        }
        el->polls = polls;
        EventRegistration **polled = realloc(el->polled, n * sizeof *polled);
        if (polled == NULL) {
            return -1;
        }
        el->polled = polled;
        el->capacity = n;
    }
    size_t k = 0;
    for (EventRegistration *r = el->first; r != NULL; r = r->next) {
        short events = 0;
        if (r->events & EventLoop_Input) {
            events |= POLLIN;
        }
        if (r->events & EventLoop_Output) {
            events |= POLLOUT;
        }
        /* wasi-libc's poll() cannot wait for errors alone, so an fd asking for nothing (or only
         * for errors) is left out until it asks for input or output. */
        if (r->removed || events == 0) {
            continue;
        }
        el->polls[k].fd = r->fd;
        el->polls[k].events = events;
        el->polls[k].revents = 0;
        el->polled[k] = r;
        k++;
    }
    *count = k;
    return 0;
}

static EventLoop_IoEvents events_of(short revents)
{
    EventLoop_IoEvents events = 0;
    if (revents & POLLIN) {
        events |= EventLoop_Input;
    }
    if (revents & POLLOUT) {
        events |= EventLoop_Output;
    }
    if (revents & (POLLERR | POLLHUP | POLLNVAL)) {
        events |= EventLoop_Error;
    }
    return events;
}

static EventLoop_Run_Result finish(EventLoop *el, EventLoop_Run_Result result, int error)
{
    el->running = false;
    if (el->close_requested) {
        free_loop(el);
    } else {
        free_registrations(el, false);
    }
    if (result == EventLoop_Run_Failed) {
        errno = error;
    }
    return result;
}

EventLoop_Run_Result EventLoop_Run(EventLoop *el, int duration_in_milliseconds, bool process_one_event)
{
    if (el == NULL) {
        return __sphere_fail(EFAULT);
    }
    if (el->running) {
        return __sphere_fail(EBUSY);
    }
    el->running = true;
    int dispatched = 0;
    const int64_t deadline = duration_in_milliseconds > 0 ? now_ms() + duration_in_milliseconds : 0;
    for (;;) {
        if (el->stop_requested || el->close_requested) {
            el->stop_requested = false;
            break;
        }
        int timeout;
        if (duration_in_milliseconds == 0) {
            timeout = 0;
        } else if (duration_in_milliseconds < 0) {
            timeout = FOREVER_CHUNK_MS;
        } else {
            int64_t left = deadline - now_ms();
            if (left <= 0) {
                break;
            }
            timeout = left > INT_MAX ? INT_MAX : (int)left;
        }
        size_t count = 0;
        if (build_polls(el, &count) < 0) {
            return finish(el, EventLoop_Run_Failed, ENOMEM);
        }
        if (count > 0 && duration_in_milliseconds < 0) {
            timeout = -1;
        }
        int ready = poll(el->polls, count, timeout);
        if (ready < 0) {
            return finish(el, EventLoop_Run_Failed, errno);
        }
        if (ready == 0) {
            if (duration_in_milliseconds == 0) {
                break;
            }
            continue;
        }
        bool done = false;
        size_t start = el->next_start % count;
        for (size_t j = 0; j < count && !done; j++) {
            size_t i = (start + j) % count;
            EventRegistration *reg = el->polled[i];
            EventLoop_IoEvents events = events_of(el->polls[i].revents) & (reg->events | EventLoop_Error);
            if (events == 0 || reg->removed || el->close_requested) {
                continue;
            }
            el->next_start = i + 1;
            reg->callback(el, reg->fd, events, reg->context);
            dispatched++;
            done = process_one_event || duration_in_milliseconds == 0 || el->stop_requested;
        }
        if (done && !el->stop_requested) {
            break;
        }
    }
    return finish(el, dispatched > 0 ? EventLoop_Run_Finished : EventLoop_Run_FinishedEmpty, 0);
}
