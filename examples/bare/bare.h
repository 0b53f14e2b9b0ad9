/* The bare-metal runtime's interface to vfsim-bare: sun4v fast traps (ta 0x80, function
 * number in %o5, status back in %o0). The same calls later reach the real hypervisor. */
#ifndef VFSIM_BARE_H
#define VFSIM_BARE_H

typedef unsigned long u64;

static inline u64 hv_fast_trap(u64 fn, u64 a0, u64 a1, u64 *out1) {
  register u64 o0 __asm__("o0") = a0;
  register u64 o1 __asm__("o1") = a1;
  register u64 o5 __asm__("o5") = fn;
  __asm__ volatile("ta 0x80" : "+r"(o0), "+r"(o1) : "r"(o5) : "memory", "cc");
  if (out1) *out1 = o1;
  return o0;
}

/* mach_exit: this strand stops; vfsim-bare ends when every strand has. */
static inline void hv_exit(u64 code) { hv_fast_trap(0x00, code, 0, 0); for (;;) {} }
static inline u64 hv_cpuid(void) { u64 id; hv_fast_trap(0x16, 0, 0, &id); return id; }
static inline void hv_putchar(char c) { hv_fast_trap(0x61, (u64)(unsigned char)c, 0, 0); }
/* cons_write: one call writes the whole buffer, so lines from different strands do not mix. */
static inline void hv_write(const char *s, u64 n) { hv_fast_trap(0x63, (u64)s, n, 0); }

/* A line of text built in a small buffer: text and unsigned decimal numbers. */
struct line { char buf[120]; u64 n; };
static inline void line_str(struct line *l, const char *s) { while (*s && l->n < sizeof l->buf) l->buf[l->n++] = *s++; }
static inline void line_u64(struct line *l, u64 v) {
  char t[24]; int k = 0;
  do { t[k++] = (char)('0' + v % 10); v /= 10; } while (v);
  while (k && l->n < sizeof l->buf) l->buf[l->n++] = t[--k];
}
static inline void line_end(struct line *l) { line_str(l, "\n"); hv_write(l->buf, l->n); l->n = 0; }

/* %stick counts core cycles on these machines: programs time themselves with it. */
static inline u64 rd_stick(void) { u64 t; __asm__ volatile("rd %%stick, %0" : "=r"(t)); return t; }

/* One line "<tag> <id> <t0> <t1> [<amount>]": how the timing tests report a measured span
 * (and what it did: steps, bytes), with an optional suffix. */
static inline void report_span_of(const char *tag, u64 id, u64 t0, u64 t1, int with_amount, u64 amount,
                                  const char *suffix) {
  struct line l = {{0}, 0};
  line_str(&l, tag);
  line_str(&l, " ");
  line_u64(&l, id);
  line_str(&l, " ");
  line_u64(&l, t0);
  line_str(&l, " ");
  line_u64(&l, t1);
  if (with_amount) {
    line_str(&l, " ");
    line_u64(&l, amount);
  }
  if (suffix) line_str(&l, suffix);
  line_end(&l);
}
static inline void report_span(const char *tag, u64 cpuid, u64 t0, u64 t1) {
  report_span_of(tag, cpuid, t0, t1, 0, 0, 0);
}

#endif
