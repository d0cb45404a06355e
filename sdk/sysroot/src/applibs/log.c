/*
 * Log_Debug and Log_DebugVarArgs (applibs/log.h): the text is formatted here, in the app, and
 * handed to the host whole. A text longer than the stack buffer is formatted again into the heap;
 * when the heap is exhausted the first 255 bytes are logged.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <applibs/log.h>

#include "internal.h"

int Log_DebugVarArgs(const char *fmt, va_list args)
{
    if (fmt == NULL) {
        return __sphere_fail(EFAULT);
    }
    char small[256];
    va_list again;
    va_copy(again, args);
    int n = vsnprintf(small, sizeof small, fmt, args);
    if (n < 0) {
        va_end(again);
        return -1;
    }
    char *text = small;
    size_t length = (size_t)n;
    if (length >= sizeof small) {
        char *big = malloc(length + 1);
        if (big != NULL) {
            vsnprintf(big, length + 1, fmt, again);
            text = big;
        } else {
            length = sizeof small - 1;
        }
    }
    va_end(again);
    int32_t r = __sphere_log_write(text, (uint32_t)length);
    if (text != small) {
        free(text);
    }
    return __sphere_result(r) < 0 ? -1 : 0;
}

int Log_Debug(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    int r = Log_DebugVarArgs(fmt, args);
    va_end(args);
    return r;
}
