/*
 * applibs/log.h - the debug log (Spherekit SDK, WebAssembly build).
 *
 * Log_Debug formats like printf inside the app and hands the text to the device's log
 * (`sphere device app` / the emulator's app log). No newline is added.
 */
#pragma once

#include <stdarg.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Formats `fmt` and its arguments and writes the text to the debug log.
 * Returns 0, or -1 with errno EFAULT when fmt is NULL. */
int Log_Debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Log_Debug with a va_list (for the app's own logging helpers). */
int Log_DebugVarArgs(const char *fmt, va_list args) __attribute__((format(printf, 1, 0)));

#ifdef __cplusplus
}
#endif
