/* long double (IEEE quad, software _Qp_* routines on sparc64): arithmetic, comparisons,
 * conversions, libm long double functions, series summation, printing. */
#include <stdio.h>
#include <math.h>
#include <float.h>
#include <stdint.h>
#include <string.h>

#define NOI __attribute__((noinline, noipa))
static NOI long double ld_add(long double a, long double b) { return a + b; }
static NOI long double ld_sub(long double a, long double b) { return a - b; }
static NOI long double ld_mul(long double a, long double b) { return a * b; }
static NOI long double ld_div(long double a, long double b) { return a / b; }

static uint64_t h;
static void pr(const char *what, long double v)
{
  uint64_t w[2]; memcpy(w, &v, 16);
  h = (h ^ w[0] ^ (w[1] * 3)) * 0x100000001b3ULL;
  printf("%-22s %La  %.34Lg\n", what, v, v);
}

int main(void)
{
  printf("LDBL_MANT_DIG=%d LDBL_MAX_EXP=%d sizeof=%zu\n", LDBL_MANT_DIG, LDBL_MAX_EXP, sizeof(long double));
  volatile long double one = 1.0L, three = 3.0L, ten = 10.0L;
  pr("1/3", ld_div(one, three));
  pr("2/3", ld_div(one + one, three));
  pr("1/3*3", ld_mul(ld_div(one, three), three));
  pr("1e4000", powl(ten, 4000));
  pr("1e-4000", powl(ten, -4000));
  pr("max*2", ld_mul(LDBL_MAX, 2));
  pr("min/2^10", ld_div(LDBL_MIN, 1024));
  pr("denorm_min", LDBL_TRUE_MIN);
  pr("0/0", ld_div(one - one, one - one));
  pr("-0", ld_mul(-one, 0.0L));
  pr("1+eps", ld_add(one, LDBL_EPSILON));
  pr("1+eps/2", ld_add(one, LDBL_EPSILON / 2));
  pr("1-eps/4", ld_sub(one, LDBL_EPSILON / 4));
  pr("sqrtl(2)", sqrtl(2.0L));
  pr("expl(1)", expl(one));
  pr("logl(10)", logl(ten));
  pr("sinl(1)", sinl(one));
  pr("cosl(1)", cosl(one));
  pr("atanl(1)*4", atanl(one) * 4);
  pr("fmodl(1e30,7)", fmodl(1e30L, 7.0L));
  pr("floorl(-2.5)", floorl(-2.5L));
  pr("roundl(2.5)", roundl(2.5L));
  pr("cbrtl(27)", cbrtl(27.0L));
  pr("hypotl(3,4)", hypotl(3.0L, 4.0L));
  pr("ldexpl(1,-16400)", ldexpl(one, -16400));
  /* series: e = sum 1/k! ; pi via Machin */
  long double e = 0, term = 1;
  int k;
  for (k = 0; k < 40; k++) { e += term; term /= (k + 1); }
  pr("e series", e);
  long double x5 = 1.0L / 5, x239 = 1.0L / 239, a5 = 0, a239 = 0, p5 = x5, p239 = x239;
  for (k = 0; k < 60; k++) {
    a5 += (k & 1 ? -p5 : p5) / (2 * k + 1);
    a239 += (k & 1 ? -p239 : p239) / (2 * k + 1);
    p5 *= x5 * x5; p239 *= x239 * x239;
  }
  pr("pi machin", 16 * a5 - 4 * a239);
  /* conversions */
  static const int64_t iv[] = { 0, 1, -1, INT64_MAX, INT64_MIN, 1234567890123456789LL };
  for (k = 0; k < 6; k++) {
    long double v = (long double)iv[k];
    printf("int %lld -> %La -> %lld / %llu\n", (long long)iv[k], v, (long long)v, (unsigned long long)(v < 0 ? 0 : (uint64_t)v));
  }
  long double big = 18446744073709551615.0L;
  printf("u64max %La -> %llu\n", big, (unsigned long long)big);
  double d = (double)(1.0L / 3.0L);
  float f = (float)(1.0L / 3.0L);
  printf("to double %a to float %a from double %La\n", d, (double)f, (long double)0.1);
  /* comparisons */
  volatile long double nan = ld_div(one - one, one - one), a = 1.5L, b = 2.5L;
  printf("cmp: %d %d %d %d %d %d nan: %d %d %d %d\n", a < b, a <= b, a > b, a >= b, a == b, a != b, nan < a, nan == nan, nan != nan,
         isunordered(nan, a));
  /* accumulate */
  long double acc = 0;
  for (k = 1; k <= 2000; k++) acc += 1.0L / ((long double)k * k);
  pr("sum 1/k^2", acc);
  printf("hash %016llx\n", (unsigned long long)h);
  return (int)(h & 0x7f);
}
