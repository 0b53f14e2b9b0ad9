/* Console output: each call formats one whole line and writes it with one cons_write,
 * so lines from different vCPUs never interleave. */
#ifndef FW_CONSOLE_H
#define FW_CONSOLE_H

#include <stdint.h>

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "vfsim-runtime: error: ..." then mach_exit(code) */
void die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
/* a failed hypercall during boot: says which and why, then mach_exit(1) */
void die_hv(const char *what, uint64_t status) __attribute__((noreturn));
void fw_exit(int code) __attribute__((noreturn));

#endif
