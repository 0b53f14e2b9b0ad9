/* Variadic functions: mixed int/long/double/long double/pointer/struct args, va_copy,
 * vsnprintf, many arguments (spilling beyond registers to the stack). */
#include <stdio.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#define NOI __attribute__((noinline, noipa))

struct small { int a; short b; };
struct big { double d[3]; long l; };

static NOI double sum_typed(const char *fmt, ...)
{
  va_list ap;
  double s = 0;
  va_start(ap, fmt);
  for (; *fmt; fmt++) {
    switch (*fmt) {
    case 'i': s += va_arg(ap, int); break;
    case 'l': s += (double)va_arg(ap, long); break;
    case 'u': s += va_arg(ap, unsigned); break;
    case 'd': s += va_arg(ap, double); break;
    case 'L': s += (double)va_arg(ap, long double); break;
    case 'c': s += (char)va_arg(ap, int); break;
    case 'f': s += va_arg(ap, double); break; /* float promoted */
    case 's': { struct small x = va_arg(ap, struct small); s += x.a * 10 + x.b; break; }
    case 'B': { struct big x = va_arg(ap, struct big); s += x.d[0] + x.d[1] + x.d[2] + (double)x.l; break; }
    case 'p': { const char *p = va_arg(ap, const char *); s += (double)strlen(p); break; }
    }
  }
  va_end(ap);
  return s;
}

static NOI long sum_n(int n, ...)
{
  va_list ap, ap2;
  long s = 0, s2 = 0;
  int i;
  va_start(ap, n);
  va_copy(ap2, ap);
  for (i = 0; i < n; i++) s += va_arg(ap, long) * (i + 1);
  for (i = 0; i < n; i++) s2 += va_arg(ap2, long);
  va_end(ap2);
  va_end(ap);
  return s * 1000 + s2;
}

static NOI int my_printf(char *out, size_t n, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int r = vsnprintf(out, n, fmt, ap);
  va_end(ap);
  return r;
}

static NOI void forward(const char *tag, const char *fmt, va_list ap)
{
  char buf[256];
  vsnprintf(buf, sizeof buf, fmt, ap);
  printf("[%s] %s\n", tag, buf);
}
static NOI void logf_(const char *tag, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  forward(tag, fmt, ap);
  va_end(ap);
}

/* non-variadic function with many mixed args (stack-passed beyond the 6 int / 16 fp regs) */
static NOI double many(int a, double b, long c, float d, int e, double f, long g, float h, int i, double j, long k,
                       float l, int m, double n, long o, float p, int q, double r, long s, float t)
{
  return a + b + (double)c + d + e + f + (double)g + h + i + j + (double)k + l + m + n + (double)o + p + q + r + (double)s + t;
}

int main(void)
{
  struct small sm = { 7, -3 };
  struct big bg = { { 1.5, 2.25, -0.125 }, 1000 };
  double r = sum_typed("ildLcfsBpu", 3, -40L, 2.5, (long double)0.25, 'A', 1.5f, sm, bg, "hello", 4000000000u);
  printf("sum_typed = %.6f\n", r);
  r = sum_typed("dddddddddddddddddddd", 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0,
                18.0, 19.0, 20.0);
  printf("20 doubles = %.1f\n", r);
  r = sum_typed("LLLLLL", 1.0L, 2.0L, 3.0L, 4.0L, 5.0L, 6.0L);
  printf("6 long doubles = %.1f\n", r);
  r = sum_typed("idididididid", 1, 0.5, 2, 0.25, 3, 0.125, 4, 0.0625, 5, 0.03125, 6, 0.015625);
  printf("interleaved = %.6f\n", r);
  printf("sum_n(3) = %ld\n", sum_n(3, 10L, 20L, 30L));
  printf("sum_n(15) = %ld\n", sum_n(15, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L));
  char buf[128];
  int n = my_printf(buf, sizeof buf, "%d|%s|%.3f|%c|%lx|%5.1Lf", -5, "str", 3.14159, 'z', 0xdeadbeefUL, (long double)2.75);
  printf("my_printf(%d): %s\n", n, buf);
  logf_("info", "%s has %d items costing %.2f", "cart", 3, 9.5);
  logf_("warn", "%08x %-6s| %+e", 0xabcu, "ab", -12345.678);
  printf("many = %.4f\n", many(1, 2.5, 3, 4.25f, 5, 6.5, 7, 8.75f, 9, 10.5, 11, 12.25f, 13, 14.5, 15, 16.75f, 17, 18.5, 19, 20.25f));
  return (int)r & 0x7f;
}
