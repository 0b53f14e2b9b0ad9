/* The formatting core behind the runtime's printf. */
#include "format.h"

#include <stdint.h>

struct out { char *buf; size_t size, n; };

static void put(struct out *o, char c) {
  if (o->n + 1 < o->size) o->buf[o->n++] = c;
}

static void pad(struct out *o, char c, int count) {
  while (count-- > 0) put(o, c);
}

/* One converted field: text (digits already reversed into place), sign/prefix, padding. */
static void field(struct out *o, const char *prefix, const char *text, int len, int width,
                  int left, int zero) {
  int plen = 0;
  while (prefix[plen]) plen++;
  int fill = width - plen - len;
  if (!left && !zero) pad(o, ' ', fill);
  for (int i = 0; i < plen; i++) put(o, prefix[i]);
  if (!left && zero) pad(o, '0', fill);
  for (int i = 0; i < len; i++) put(o, text[i]);
  if (left) pad(o, ' ', fill);
}

static int digits(char *t, uint64_t v, unsigned base, int upper) {
  const char *d = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  char rev[24];
  int k = 0;
  do { rev[k++] = d[v % base]; v /= base; } while (v);
  for (int i = 0; i < k; i++) t[i] = rev[k - 1 - i];
  return k;
}

size_t fmt_vformat(char *buf, size_t size, const char *fmt, va_list ap) {
  struct out o = {buf, size, 0};
  for (; *fmt; fmt++) {
    if (*fmt != '%') { put(&o, *fmt); continue; }
    int left = 0, zero = 0, width = 0, lng = 0;
    for (fmt++;; fmt++) {
      if (*fmt == '-') left = 1;
      else if (*fmt == '0') zero = 1;
      else break;
    }
    if (*fmt == '*') { width = va_arg(ap, int); fmt++; }
    while (*fmt >= '0' && *fmt <= '9') width = width * 10 + (*fmt++ - '0');
    int prec = -1;   /* only strings use a precision (their maximum length) */
    if (*fmt == '.') {
      prec = 0;
      if (*++fmt == '*') { prec = va_arg(ap, int); fmt++; }
      while (*fmt >= '0' && *fmt <= '9') prec = prec * 10 + (*fmt++ - '0');
    }
    for (;; fmt++) {
      if (*fmt == 'l' || *fmt == 'z') lng = 1;
      else if (*fmt != 'h') break;
    }
    char t[24];
    switch (*fmt) {
      case 'd': case 'i': {
        int64_t v = lng ? va_arg(ap, long) : va_arg(ap, int);
        uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
        field(&o, v < 0 ? "-" : "", t, digits(t, mag, 10, 0), width, left, zero);
        break;
      }
      case 'u': case 'x': case 'X': {
        uint64_t v = lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
        unsigned base = *fmt == 'u' ? 10 : 16;
        field(&o, "", t, digits(t, v, base, *fmt == 'X'), width, left, zero);
        break;
      }
      case 'p': {
        uint64_t v = (uint64_t)(uintptr_t)va_arg(ap, void *);
        field(&o, "0x", t, digits(t, v, 16, 0), width, left, zero);
        break;
      }
      case 's': {
        const char *s = va_arg(ap, const char *);
        if (!s) s = "(null)";
        int len = 0;
        while ((prec < 0 || len < prec) && s[len]) len++;
        field(&o, "", s, len, width, left, 0);
        break;
      }
      case 'c': t[0] = (char)va_arg(ap, int); field(&o, "", t, 1, width, left, 0); break;
      case '%': put(&o, '%'); break;
      case 0: fmt--; break;   /* a lone '%' at the end */
      default: put(&o, '%'); put(&o, *fmt); break;
    }
  }
  if (size) buf[o.n] = 0;
  return o.n;
}

size_t fmt_format(char *buf, size_t size, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  size_t n = fmt_vformat(buf, size, fmt, ap);
  va_end(ap);
  return n;
}
