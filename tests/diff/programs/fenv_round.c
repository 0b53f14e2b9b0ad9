/* Rounding modes: fesetround + rint/nearbyint/lrint, arithmetic, conversions, sqrt,
 * printf rounding and strtod under each mode. Built with -frounding-math. */
#include <stdio.h>
#include <fenv.h>
#include <math.h>
#include <stdlib.h>

static const struct { int mode; const char *name; } modes[] = {
  { FE_TONEAREST, "nearest" }, { FE_UPWARD, "upward" }, { FE_DOWNWARD, "downward" }, { FE_TOWARDZERO, "towardzero" },
};

int main(void)
{
  static const double xs[] = { 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.3, -0.3, 1.7, -1.7, 1e16 + 1.0, 4503599627370497.5 };
  unsigned m, i;
  volatile double one = 1.0, three = 3.0, ten = 10.0, tiny = 1e-300, big = 1e300;
  volatile float fone = 1.0f, fthree = 3.0f;
  volatile long double lone = 1.0L, lthree = 3.0L;
  for (m = 0; m < 4; m++) {
    if (fesetround(modes[m].mode) != 0) { printf("fesetround failed\n"); return 1; }
    printf("== %s (fegetround ok=%d)\n", modes[m].name, fegetround() == modes[m].mode);
    for (i = 0; i < sizeof xs / sizeof xs[0]; i++) {
      volatile double x = xs[i];
      printf(" x=%a rint=%a nearbyint=%a lrint=%ld llrint=%lld rintf=%a\n", x, rint(x), nearbyint(x), lrint(x), llrint(x),
             (double)rintf((float)x));
    }
    printf(" 1/3=%a -1/3=%a 2/3f=%a 1/10=%a\n", one / three, -one / three, (double)(fone / fthree * 2.0f), one / ten);
    printf(" 1/3 L=%La -1/3 L=%La\n", lone / lthree, -lone / lthree);
    printf(" sqrt2=%a sqrt3f=%a sqrt2L=%La\n", sqrt(one * 2), (double)sqrtf(fthree), sqrtl(lone * 2));
    printf(" big*big=%a tiny*tiny=%a -big*big=%a\n", big * big, tiny * tiny, -big * big);
    printf(" 1+2^-53=%a 1-2^-54=%a\n", one + 0x1p-53, one - 0x1p-54);
    volatile long long ll = 0x7ffffffffffffdffLL;
    volatile int ii = 16777217;
    printf(" (double)ll=%a (float)int=%a (float)double=%a\n", (double)ll, (double)(float)ii, (double)(float)(one / three));
    printf(" printf %%.0f of 0.5,1.5,2.5: %.0f %.0f %.0f  %%.2f of 1.005: %.2f  %%.1e of 2.25: %.1e\n", 0.5, 1.5, 2.5, 1.005, 2.25);
    printf(" strtod(0.1)=%a strtod(1e-400)=%a strtof(0.1)=%a\n", strtod("0.1", NULL), strtod("1e-400", NULL), (double)strtof("0.1", NULL));
    double acc = 0;
    for (i = 1; i <= 1000; i++) acc += one / (double)i;
    printf(" harmonic(1000)=%a\n", acc);
    printf(" exp(1)=%a log(3)=%a sin(1)=%a\n", exp(one), log(three), sin(one));
  }
  fesetround(FE_TONEAREST);
  return 0;
}
