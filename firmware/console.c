/* printf over cons_write, falling back to the CORE_TRAP putchar (which works before API
 * negotiation, and when cons_write is refused). */
#include "console.h"

#include <stdarg.h>

#include "format.h"
#include "hcall.h"

#define LINE_MAX 256

static void emit(const char *buf, uint64_t len) {
  while (len) {
    uint64_t written = 0;
    if (hv_cons_write(buf, len, &written) != HV_EOK || written == 0 || written > len) break;
    buf += written;
    len -= written;
  }
  while (len--) hv_api_putchar(*buf++);
}

int printf(const char *fmt, ...) {
  char buf[LINE_MAX];
  va_list ap;
  va_start(ap, fmt);
  size_t n = fmt_vformat(buf, sizeof buf, fmt, ap);
  va_end(ap);
  emit(buf, n);
  return (int)n;
}

void fw_exit(int code) {
  hv_mach_exit((uint64_t)code);
  hv_api_exit((uint64_t)code);   /* mach_exit refused (APIs not negotiated yet) */
  for (;;) {}
}

void die(int code, const char *fmt, ...) {
  char buf[LINE_MAX];
  size_t n = fmt_format(buf, sizeof buf, "vfsim-runtime: error: ");
  va_list ap;
  va_start(ap, fmt);
  n += fmt_vformat(buf + n, sizeof buf - n, fmt, ap);
  va_end(ap);
  if (n + 1 < sizeof buf) buf[n++] = '\n';
  emit(buf, n);
  fw_exit(code);
}

void die_hv(const char *what, uint64_t status) {
  die(1, "%s failed: %s (%lu)", what, hv_strerror(status), (unsigned long)status);
}

const char *hv_strerror(uint64_t status) {
  static const char *const names[] = {
      "EOK", "ENOCPU", "ENORADDR", "ENOINTR", "EBADPGSZ", "EBADTSB", "EINVAL", "EBADTRAP",
      "EBADALIGN", "EWOULDBLOCK", "ENOACCESS", "EIO", "ECPUERROR", "ENOTSUPPORTED", "ENOMAP",
      "ETOOMANY", "ECHANNEL", "EBUSY"};
  return status < sizeof names / sizeof names[0] ? names[status] : "unknown status";
}
