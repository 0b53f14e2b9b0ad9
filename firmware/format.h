/* printf-style formatting into a caller's buffer; no libc, so the same code runs in the
 * guest and in the host tests. */
#ifndef FW_FORMAT_H
#define FW_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/* Supports %d %i %u %x %X %p %s %c %% with flags '-' '0', a width (digits or '*'), a
 * precision for %s (".N" or ".*") and the length modifiers h, l, ll, z. Always
 * NUL-terminates (size > 0); returns the length written, truncated to size - 1. */
size_t fmt_vformat(char *buf, size_t size, const char *fmt, va_list ap);
size_t fmt_format(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
