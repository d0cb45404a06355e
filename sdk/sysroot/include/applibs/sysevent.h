/*
 * applibs/sysevent.h - notifications of system events (software updates) and their deferral
 * (Spherekit SDK, WebAssembly build). Needs Capabilities.SystemEventNotifications; deferring
 * needs Capabilities.SoftwareUpdateDeferral.
 */
#pragma once

#include <stdint.h>
#include <applibs/eventloop.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef uint32_t SysEvent_Events;
enum {
    SysEvent_Events_None = 0x00,
    SysEvent_Events_UpdateReadyForInstall = 0x01,
    SysEvent_Events_UpdateStarted = 0x02,
    SysEvent_Events_NoUpdateAvailable = 0x04,
    SysEvent_Events_Mask = 0x07
};

typedef uint32_t SysEvent_Status;
enum {
    SysEvent_Status_Invalid = 0,
    /* The event will happen; it may still be deferred. */
    SysEvent_Status_Pending = 1,
    /* The event will happen and can no longer be deferred. */
    SysEvent_Status_Final = 2,
    SysEvent_Status_Deferred = 3,
    /* The event has happened (app updates only). */
    SysEvent_Status_Complete = 4
};

typedef uint32_t SysEvent_UpdateType;
enum {
    SysEvent_UpdateType_Invalid = 0,
    /* An app update: the app restarts, the device does not. */
    SysEvent_UpdateType_App = 1,
    /* An OS update: the device restarts. */
    SysEvent_UpdateType_System = 2
};

typedef struct SysEvent_Info_UpdateData {
    unsigned int max_deferral_time_in_minutes;
    SysEvent_UpdateType update_type;
} SysEvent_Info_UpdateData;

/* Details of one event; valid only during the callback. */
typedef struct SysEvent_Info SysEvent_Info;

/* Called once per event (one flag of the mask each time). */
typedef void SysEvent_EventsCallback(SysEvent_Events event, SysEvent_Status state,
                                     const SysEvent_Info *info, void *context);

/* Delivers the events of `eventBitmask` to `callback` through `el`. One registration per app.
 * Returns the registration, or NULL with errno EACCES, EFAULT, EINVAL or EEXIST. */
EventRegistration *SysEvent_RegisterForEventNotifications(EventLoop *el, SysEvent_Events eventBitmask,
                                                          SysEvent_EventsCallback *callback, void *context);

/* Ends the registration. 0, or -1 with errno EFAULT. */
int SysEvent_UnregisterForEventNotifications(EventRegistration *reg);

/* The update details of an UpdateReadyForInstall event. 0, or -1 with errno EFAULT or EINVAL. */
int SysEvent_Info_GetUpdateData(const SysEvent_Info *info, SysEvent_Info_UpdateData *update_info);

/* Asks to postpone a pending event. 0, or -1 with errno EACCES or EINVAL. */
int SysEvent_DeferEvent(SysEvent_Events event, uint32_t requested_defer_time_in_minutes);

/* Lets a deferred event go ahead. 0, or -1 with errno EACCES or EINVAL. */
int SysEvent_ResumeEvent(SysEvent_Events event);

#ifdef __cplusplus
}
#endif
