/*
 * HelloSphere: the Spherekit sample app.
 *
 * Blinks LED 1 (red) of the MT3620 RDB from a timer on an EventLoop and logs every toggle.
 * Button A, polled by a second timer, switches between a slow and a fast blink; the number of
 * presses is kept in the app's mutable storage, so it survives restarts and updates. At start the
 * app logs the first line of readme.txt from its image package. SIGTERM ends the loop cleanly.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <applibs/eventloop.h>
#include <applibs/gpio.h>
#include <applibs/log.h>
#include <applibs/storage.h>

#include <hw/mt3620_rdb.h>

#define SLOW_BLINK_MS 1000
#define FAST_BLINK_MS 250
#define BUTTON_POLL_MS 20

static volatile sig_atomic_t stopRequested = 0;

static EventLoop *loop = NULL;
static int ledFd = -1;
static int buttonFd = -1;
static int blinkTimerFd = -1;
static int buttonTimerFd = -1;
static EventRegistration *blinkReg = NULL;
static EventRegistration *buttonReg = NULL;

static GPIO_Value_Type ledLevel = GPIO_Value_High; /* the LED is lit while its pin is low */
static GPIO_Value_Type lastButton = GPIO_Value_High;
static int blinkMs = SLOW_BLINK_MS;
static uint32_t presses = 0;
static uint32_t toggles = 0;

static void OnTerm(int signal)
{
    (void)signal;
    stopRequested = 1;
}

static int ArmTimer(int fd, int periodMs)
{
    struct itimerspec spec;
    spec.it_interval.tv_sec = periodMs / 1000;
    spec.it_interval.tv_nsec = (long)(periodMs % 1000) * 1000000L;
    spec.it_value = spec.it_interval;
    return timerfd_settime(fd, 0, &spec, NULL);
}

/* A timer's handler must read its expiry count, or the timer stays readable. */
static bool Expired(int fd)
{
    uint64_t expiries = 0;
    return read(fd, &expiries, sizeof expiries) == (ssize_t)sizeof expiries;
}

static uint32_t LoadPresses(void)
{
    int fd = Storage_OpenMutableFile();
    if (fd < 0) {
        Log_Debug("HelloSphere: cannot open mutable storage: %s (%d)\n", strerror(errno), errno);
        return 0;
    }
    uint32_t value = 0;
    ssize_t n = read(fd, &value, sizeof value);
    close(fd);
    return n == (ssize_t)sizeof value ? value : 0;
}

static void SavePresses(uint32_t value)
{
    int fd = Storage_OpenMutableFile();
    if (fd < 0) {
        Log_Debug("HelloSphere: cannot open mutable storage: %s (%d)\n", strerror(errno), errno);
        return;
    }
    if (write(fd, &value, sizeof value) != (ssize_t)sizeof value) {
        Log_Debug("HelloSphere: cannot save the press count: %s (%d)\n", strerror(errno), errno);
    }
    close(fd);
}

static void LogReadme(void)
{
    int fd = Storage_OpenFileInImagePackage("readme.txt");
    if (fd < 0) {
        Log_Debug("HelloSphere: no readme.txt in the package: %s (%d)\n", strerror(errno), errno);
        return;
    }
    char text[128];
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    if (n <= 0) {
        return;
    }
    text[n] = '\0';
    text[strcspn(text, "\r\n")] = '\0';
    Log_Debug("HelloSphere: readme.txt says \"%s\"\n", text);
}

static void OnBlink(EventLoop *el, int fd, EventLoop_IoEvents events, void *context)
{
    (void)el;
    (void)events;
    (void)context;
    if (!Expired(fd)) {
        return;
    }
    ledLevel = ledLevel == GPIO_Value_High ? GPIO_Value_Low : GPIO_Value_High;
    if (GPIO_SetValue(ledFd, ledLevel) < 0) {
        Log_Debug("HelloSphere: cannot set the LED: %s (%d)\n", strerror(errno), errno);
        stopRequested = 1;
        return;
    }
    toggles++;
    Log_Debug("HelloSphere: LED %s (toggle %u)\n", ledLevel == GPIO_Value_Low ? "on" : "off", (unsigned)toggles);
}

static void OnButtonPoll(EventLoop *el, int fd, EventLoop_IoEvents events, void *context)
{
    (void)el;
    (void)events;
    (void)context;
    if (!Expired(fd)) {
        return;
    }
    GPIO_Value_Type level;
    if (GPIO_GetValue(buttonFd, &level) < 0) {
        Log_Debug("HelloSphere: cannot read button A: %s (%d)\n", strerror(errno), errno);
        stopRequested = 1;
        return;
    }
    if (level == GPIO_Value_Low && lastButton == GPIO_Value_High) {
        presses++;
        SavePresses(presses);
        blinkMs = blinkMs == SLOW_BLINK_MS ? FAST_BLINK_MS : SLOW_BLINK_MS;
        ArmTimer(blinkTimerFd, blinkMs);
        Log_Debug("HelloSphere: button A pressed (%u presses in all); blinking every %d ms\n", (unsigned)presses, blinkMs);
    }
    lastButton = level;
}

static int Start(void)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = OnTerm;
    sigaction(SIGTERM, &action, NULL);

    LogReadme();
    presses = LoadPresses();
    Log_Debug("HelloSphere: starting; button A has been pressed %u times so far\n", (unsigned)presses);

    ledFd = GPIO_OpenAsOutput(MT3620_RDB_LED1_RED, GPIO_OutputMode_PushPull, GPIO_Value_High);
    if (ledFd < 0) {
        Log_Debug("HelloSphere: cannot open LED 1: %s (%d)\n", strerror(errno), errno);
        return -1;
    }
    buttonFd = GPIO_OpenAsInput(MT3620_RDB_BUTTON_A);
    if (buttonFd < 0) {
        Log_Debug("HelloSphere: cannot open button A: %s (%d)\n", strerror(errno), errno);
        return -1;
    }
    loop = EventLoop_Create();
    blinkTimerFd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    buttonTimerFd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    if (loop == NULL || blinkTimerFd < 0 || buttonTimerFd < 0) {
        Log_Debug("HelloSphere: cannot create the event loop or its timers: %s (%d)\n", strerror(errno), errno);
        return -1;
    }
    if (ArmTimer(blinkTimerFd, blinkMs) < 0 || ArmTimer(buttonTimerFd, BUTTON_POLL_MS) < 0) {
        Log_Debug("HelloSphere: cannot arm the timers: %s (%d)\n", strerror(errno), errno);
        return -1;
    }
    blinkReg = EventLoop_RegisterIo(loop, blinkTimerFd, EventLoop_Input, OnBlink, NULL);
    buttonReg = EventLoop_RegisterIo(loop, buttonTimerFd, EventLoop_Input, OnButtonPoll, NULL);
    if (blinkReg == NULL || buttonReg == NULL) {
        Log_Debug("HelloSphere: cannot register the timers: %s (%d)\n", strerror(errno), errno);
        return -1;
    }
    return 0;
}

static void Stop(void)
{
    EventLoop_UnregisterIo(loop, blinkReg);
    EventLoop_UnregisterIo(loop, buttonReg);
    EventLoop_Close(loop);
    if (blinkTimerFd >= 0) {
        close(blinkTimerFd);
    }
    if (buttonTimerFd >= 0) {
        close(buttonTimerFd);
    }
    if (ledFd >= 0) {
        GPIO_SetValue(ledFd, GPIO_Value_High);
        close(ledFd);
    }
    if (buttonFd >= 0) {
        close(buttonFd);
    }
}

int main(void)
{
    int exitCode = 0;
    if (Start() < 0) {
        exitCode = 1;
    }
    while (exitCode == 0 && !stopRequested) {
        if (EventLoop_Run(loop, -1, true) == EventLoop_Run_Failed && errno != EINTR) {
            Log_Debug("HelloSphere: the event loop failed: %s (%d)\n", strerror(errno), errno);
            exitCode = 2;
        }
    }
    Stop();
    Log_Debug("HelloSphere: exiting after %u toggles (code %d)\n", (unsigned)toggles, exitCode);
    return exitCode;
}
