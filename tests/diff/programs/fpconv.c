/* Float<->int conversions (incl. out-of-range via inline asm fdtoi/fdtox/fstoi/fstox),
 * unsigned conversions, float<->double<->long double, and FP comparisons with NaN. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <math.h>
#include <float.h>

static int32_t asm_fdtoi(double d) { float t; int32_t r; __asm__ volatile("fdtoi %1, %0" : "=f"(t) : "e"(d)); memcpy(&r, &t, 4); return r; }
static int64_t asm_fdtox(double d) { double t; int64_t r; __asm__ volatile("fdtox %1, %0" : "=e"(t) : "e"(d)); memcpy(&r, &t, 8); return r; }
static int32_t asm_fstoi(float f) { float t; int32_t r; __asm__ volatile("fstoi %1, %0" : "=f"(t) : "f"(f)); memcpy(&r, &t, 4); return r; }
static int64_t asm_fstox(float f) { double t; int64_t r; __asm__ volatile("fstox %1, %0" : "=e"(t) : "f"(f)); memcpy(&r, &t, 8); return r; }
static double asm_fxtod(int64_t x) { double t, r; memcpy(&t, &x, 8); __asm__ volatile("fxtod %1, %0" : "=e"(r) : "e"(t)); return r; }
static float asm_fxtos(int64_t x) { double t; float r; memcpy(&t, &x, 8); __asm__ volatile("fxtos %1, %0" : "=f"(r) : "e"(t)); return r; }
static float asm_fitos(int32_t x) { float t, r; memcpy(&t, &x, 4); __asm__ volatile("fitos %1, %0" : "=f"(r) : "f"(t)); return r; }

int main(void)
{
  static const double dv[] = { 0.0, -0.0, 0.4, 0.5, 0.6, -0.5, -0.6, 1.999999, -1.999999, 2147483647.0, 2147483647.9,
                               2147483648.0, -2147483648.0, -2147483648.9, -2147483649.0, 4294967295.0, 4294967296.0,
                               9.2233720368547748e18, 9.2233720368547758e18, -9.2233720368547758e18, -9.3e18, 1.8446744073709552e19,
                               1e30, -1e30, INFINITY, -INFINITY, NAN, -NAN, DBL_MIN, 123456789.987654321 };
  unsigned i, j;
  for (i = 0; i < sizeof dv / sizeof dv[0]; i++) {
    double d = dv[i];
    float f = (float)d;
    printf("d=%-24a fdtoi=%11d fdtox=%20lld fstoi=%11d fstox=%20lld", d, asm_fdtoi(d), (long long)asm_fdtox(d), asm_fstoi(f),
           (long long)asm_fstox(f));
    if (d > -1.0 && d < 1.8446744073709552e19) printf(" (u64)=%llu", (unsigned long long)(uint64_t)d);
    if (d > -1.0 && d < 4294967296.0) printf(" (u32)=%u", (uint32_t)d);
    printf("\n");
  }
  static const int64_t iv[] = { 0, 1, -1, 16777216, 16777217, -16777217, 9007199254740992LL, 9007199254740993LL,
                                INT32_MAX, INT32_MIN, INT64_MAX, INT64_MIN, 0x7ffffffffffffc00LL, 0x123456789abcdefLL };
  for (i = 0; i < sizeof iv / sizeof iv[0]; i++) {
    volatile int64_t x = iv[i];
    printf("x=%lld fxtod=%a fxtos=%a fitos=%a (double)=%a (float)=%a (double)(u64)=%a (float)(u64)=%a (ld)=%La\n", (long long)x,
           asm_fxtod(x), (double)asm_fxtos(x), (double)asm_fitos((int32_t)x), (double)x, (double)(float)x,
           (double)(uint64_t)x, (double)(float)(uint64_t)x, (long double)x);
  }
  /* conversions between widths */
  static const double cv[] = { 1.0 / 3.0, 1e39, -1e-39, 1e-46, 3.4028235677973366e38, 16777217.0, NAN, -INFINITY };
  for (i = 0; i < sizeof cv / sizeof cv[0]; i++) {
    volatile double d = cv[i];
    float f = (float)d;
    long double ld = d;
    printf("d=%a ->f=%a ->ld=%La ->ld->d=%a ->ld->f=%a\n", d, (double)f, ld, (double)ld, (double)(float)ld);
  }
  /* comparisons, including NaN (unordered) */
  static const double cmpv[] = { -INFINITY, -1.0, -0.0, 0.0, 1e-310, 1.0, INFINITY, NAN };
  const int nc = sizeof cmpv / sizeof cmpv[0];
  for (i = 0; i < (unsigned)nc; i++) {
    for (j = 0; j < (unsigned)nc; j++) {
      volatile double a = cmpv[i], b = cmpv[j];
      volatile float fa = (float)a, fb = (float)b;
      int m = (a < b) | (a <= b) << 1 | (a == b) << 2 | (a != b) << 3 | (a > b) << 4 | (a >= b) << 5 |
              isless(a, b) << 6 | islessgreater(a, b) << 7 | isunordered(a, b) << 8 | (fa < fb) << 9 | (fa == fb) << 10 |
              isgreaterequal(fa, fb) << 11 | (!(a < b)) << 12;
      printf("%03x ", m);
    }
    printf("\n");
  }
  volatile double n1 = NAN;
  printf("isnan=%d isinf=%d isfinite=%d signbit(-0)=%d fpclassify: %d %d %d %d %d\n", isnan(n1), isinf(-INFINITY), isfinite(n1),
         signbit(-0.0), fpclassify(0.0), fpclassify(1e-310), fpclassify(1.0), fpclassify(INFINITY), fpclassify(n1));
  /* float <-> int round trip loops */
  uint64_t hh = 0;
  for (i = 0; i < 5000; i++) {
    int32_t v = (int32_t)(i * 2654435761u);
    float f = (float)v; double d = (double)v;
    hh = hh * 31 + (uint32_t)(int32_t)f + (uint64_t)(int64_t)(d * 0.75) + (uint64_t)(int64_t)(f / 3.0f);
  }
  printf("roundtrip hash %016llx\n", (unsigned long long)hh);
  return (int)(hh & 0x7f);
}
