/*
 * SysEvent_* (applibs/sysevent.h). The host gives one fd that is readable while an event is
 * pending; it is registered on the app's EventLoop with a callback that takes every pending
 * event from the host and hands each to the app's callback. One registration per app.
 */
#include <stddef.h>
#include <unistd.h>
#include <applibs/sysevent.h>

#include "internal.h"

struct SysEvent_Info {
    SysEvent_Events event;
    SysEvent_Info_UpdateData update;
};

/* Enough for any burst; the fd stays readable if more are pending, so nothing is lost. */
#define MAX_EVENTS_PER_WAKE 16

static struct {
    EventLoop *loop;
    EventRegistration *reg;
    int fd;
    SysEvent_EventsCallback *callback;
    void *context;
} active;

static void on_events(EventLoop *el, int fd, EventLoop_IoEvents events, void *context)
{
    (void)el;
    (void)fd;
    (void)events;
    (void)context;
    for (int i = 0; i < MAX_EVENTS_PER_WAKE && active.reg != NULL; i++) {
        uint32_t event, status, maxDeferral, updateType;
        if (__sphere_sysevent_next(&event, &status, &maxDeferral, &updateType) <= 0) {
            return;
        }
        struct SysEvent_Info info = {event, {maxDeferral, updateType}};
        active.callback(event, status, &info, active.context);
    }
}

EventRegistration *SysEvent_RegisterForEventNotifications(EventLoop *el, SysEvent_Events eventBitmask,
                                                          SysEvent_EventsCallback *callback, void *context)
{
    if (el == NULL || callback == NULL) {
        errno = EFAULT;
        return NULL;
    }
    if (eventBitmask == 0 || (eventBitmask & ~(SysEvent_Events)SysEvent_Events_Mask) != 0) {
        errno = EINVAL;
        return NULL;
    }
    if (active.reg != NULL) {
        errno = EEXIST;
        return NULL;
    }
    int fd = __sphere_result(__sphere_sysevent_register(eventBitmask));
    if (fd < 0) {
        return NULL;
    }
    active.callback = callback;
    active.context = context;
    EventRegistration *reg = EventLoop_RegisterIo(el, fd, EventLoop_Input, on_events, NULL);
    if (reg == NULL) {
        int error = errno;
        __sphere_sysevent_unregister();
        close(fd);
        errno = error;
        return NULL;
    }
    active.loop = el;
    active.reg = reg;
    active.fd = fd;
    return reg;
}

int SysEvent_UnregisterForEventNotifications(EventRegistration *reg)
{
    if (reg == NULL || reg != active.reg) {
        return __sphere_fail(EFAULT);
    }
    EventLoop_UnregisterIo(active.loop, reg);
    __sphere_sysevent_unregister();
    close(active.fd);
    active.loop = NULL;
    active.reg = NULL;
    active.fd = -1;
    return 0;
}

int SysEvent_Info_GetUpdateData(const SysEvent_Info *info, SysEvent_Info_UpdateData *update_info)
{
    if (info == NULL || update_info == NULL) {
        return __sphere_fail(EFAULT);
    }
    if (info->event != SysEvent_Events_UpdateReadyForInstall) {
        return __sphere_fail(EINVAL);
    }
    *update_info = info->update;
    return 0;
}

int SysEvent_DeferEvent(SysEvent_Events event, uint32_t requested_defer_time_in_minutes)
{
    return __sphere_result(__sphere_sysevent_defer(event, requested_defer_time_in_minutes));
}

int SysEvent_ResumeEvent(SysEvent_Events event)
{
    return __sphere_result(__sphere_sysevent_resume(event));
}
