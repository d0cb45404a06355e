/*
 * applibs/eventloop.h - a single-threaded dispatcher of file-descriptor events (Spherekit SDK,
 * WebAssembly build). It runs over poll(): timer fds, GPIO fds and other device fds can be
 * registered. A signal handler that runs while the loop waits makes EventLoop_Run return -1
 * with errno EINTR.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct EventLoop EventLoop;
typedef struct EventRegistration EventRegistration;

typedef uint32_t EventLoop_IoEvents;
enum {
    EventLoop_None = 0x00,
    EventLoop_Input = 0x01,
    EventLoop_Output = 0x04,
    /* Always reported; it need not be asked for. */
    EventLoop_Error = 0x08
};

typedef int EventLoop_Run_Result;
enum {
    EventLoop_Run_Failed = -1,
    /* Returned without dispatching any event. */
    EventLoop_Run_FinishedEmpty = 0,
    /* Returned after dispatching one or more events. */
    EventLoop_Run_Finished = 1
};

/* A callback for an fd event: the loop, the fd, the events that occurred, the registration's context. */
typedef void EventLoopIoCallback(EventLoop *el, int fd, EventLoop_IoEvents events, void *context);

/* A new, empty loop (free it with EventLoop_Close), or NULL with errno ENOMEM. */
EventLoop *EventLoop_Create(void);

/* Frees the loop and every registration on it. */
void EventLoop_Close(EventLoop *el);

/* Waits for events and dispatches them. duration_in_milliseconds: 0 = dispatch at most one ready
 * event without waiting; > 0 = run for that long; < 0 = run until EventLoop_Stop.
 * process_one_event: return after the first dispatched event. Returns EventLoop_Run_Finished or
 * EventLoop_Run_FinishedEmpty, or EventLoop_Run_Failed with errno EFAULT (NULL loop), EBUSY
 * (called from one of its own callbacks) or EINTR (a signal handler ran). */
EventLoop_Run_Result EventLoop_Run(EventLoop *el, int duration_in_milliseconds, bool process_one_event);

/* Makes the running (or the next) EventLoop_Run return after the event being dispatched.
 * 0, or -1 with errno EFAULT. */
int EventLoop_Stop(EventLoop *el);

/* An fd to wait on for the loop from another loop. Not available in WebAssembly builds:
 * -1 with errno ENOSYS (EFAULT for a NULL loop). */
int EventLoop_GetWaitDescriptor(EventLoop *el);

/* Calls `callback` whenever one of `eventBitmask`'s events occurs on `fd` (a mask of 0 is allowed:
 * nothing is reported until EventLoop_ModifyIoEvents). Returns the registration, or NULL with
 * errno EFAULT (NULL loop or callback), EINVAL (unknown bits), EBADF (not an open fd) or EEXIST
 * (fd already registered on this loop). */
EventRegistration *EventLoop_RegisterIo(EventLoop *el, int fd, EventLoop_IoEvents eventBitmask,
                                        EventLoopIoCallback *callback, void *context);

/* Changes the events a registration waits for. 0, or -1 with errno EFAULT or EINVAL. */
int EventLoop_ModifyIoEvents(EventLoop *el, EventRegistration *reg, EventLoop_IoEvents eventBitmask);

/* Removes a registration (NULL is accepted and does nothing). 0, or -1 with errno EFAULT. */
int EventLoop_UnregisterIo(EventLoop *el, EventRegistration *reg);

#ifdef __cplusplus
}
#endif
