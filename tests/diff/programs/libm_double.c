/* libm double functions on a grid of inputs, printed as exact bit patterns (%a). */
#define _GNU_SOURCE
#include <stdio.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

static uint64_t h;
static void pr(const char *name, double x, double r)
{
  uint64_t b; memcpy(&b, &r, 8);
  h = (h ^ b) * 0x100000001b3ULL;
  printf("%s(%a) = %a\n", name, x, r);
}
static void pr2(const char *name, double x, double y, double r)
{
  uint64_t b; memcpy(&b, &r, 8);
  h = (h ^ b) * 0x100000001b3ULL;
  printf("%s(%a, %a) = %a\n", name, x, y, r);
}

typedef double (*f1)(double);
typedef double (*f2)(double, double);

int main(void)
{
  static const double xs[] = { 0.0, -0.0, 1e-310, 1e-20, 0.1, 0.5, 0.7853981633974483, 1.0, 1.5, 2.0, 3.0,
                               3.141592653589793, 10.0, 100.5, 1e5, 1e10, 1e22, 710.0, -0.3, -1.0, -2.5, -100.0,
                               -1e-5, INFINITY, -INFINITY, NAN };
  static const struct { const char *n; f1 f; } fns[] = {
    { "sin", sin }, { "cos", cos }, { "tan", tan }, { "asin", asin }, { "acos", acos }, { "atan", atan },
    { "sinh", sinh }, { "cosh", cosh }, { "tanh", tanh }, { "exp", exp }, { "exp2", exp2 }, { "expm1", expm1 },
    { "log", log }, { "log2", log2 }, { "log10", log10 }, { "log1p", log1p }, { "sqrt", sqrt }, { "cbrt", cbrt },
    { "floor", floor }, { "ceil", ceil }, { "round", round }, { "trunc", trunc }, { "rint", rint },
    { "fabs", fabs }, { "erf", erf }, { "tgamma", tgamma }, { "lgamma", lgamma },
  };
  unsigned i, j;
  for (j = 0; j < sizeof fns / sizeof fns[0]; j++)
    for (i = 0; i < sizeof xs / sizeof xs[0]; i++) pr(fns[j].n, xs[i], fns[j].f(xs[i]));

  static const double ys[] = { 0.0, -0.0, 0.5, 1.0, -1.0, 2.0, 3.0, -2.5, 0.1, 1e10, INFINITY, NAN };
  static const struct { const char *n; f2 f; } fns2[] = {
    { "pow", pow }, { "fmod", fmod }, { "atan2", atan2 }, { "hypot", hypot }, { "remainder", remainder },
    { "fmin", fmin }, { "fmax", fmax }, { "copysign", copysign }, { "fdim", fdim }, { "nextafter", nextafter },
  };
  static const double xs2[] = { 0.0, -0.0, 0.5, 1.0, -1.0, 2.0, -2.0, 7.25, -7.25, 1e-300, 1e300, INFINITY, -INFINITY, NAN };
  for (j = 0; j < sizeof fns2 / sizeof fns2[0]; j++)
    for (i = 0; i < sizeof xs2 / sizeof xs2[0]; i++) {
      unsigned k;
      for (k = 0; k < sizeof ys / sizeof ys[0]; k++) pr2(fns2[j].n, xs2[i], ys[k], fns2[j].f(xs2[i], ys[k]));
    }
  /* integer-returning and split functions */
  static const double rs[] = { 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999999, 1e15 + 0.5, -7.7, 123456.789 };
  for (i = 0; i < sizeof rs / sizeof rs[0]; i++) {
    int e; double ip;
    double fr = frexp(rs[i], &e);
    double mf = modf(rs[i], &ip);
    printf("x=%a lround=%ld llround=%lld lrint=%ld ilogb=%d frexp=%a,%d modf=%a,%a ldexp=%a scalbn=%a\n", rs[i], lround(rs[i]),
           llround(rs[i]), lrint(rs[i]), ilogb(rs[i]), fr, e, mf, ip, ldexp(rs[i], 7), scalbn(rs[i], -1030));
  }
  double sn, cs;
  sincos(0.75, &sn, &cs);
  printf("sincos(0.75) = %a %a\n", sn, cs);
  printf("fma(0.1,10,-1) = %a\n", fma(0.1, 10.0, -1.0));
  /* sum over a dense grid to catch systematic errors */
  double acc = 0;
  for (i = 0; i < 2000; i++) {
    double x = (double)i * 0.0137 - 13.0;
    acc += sin(x) * cos(x * 0.5) + exp(x * 0.01) - log(1.0 + fabs(x)) + atan2(x, 3.0) + sqrt(fabs(x)) + pow(1.001, x);
  }
  printf("grid acc = %a (%.15g)\n", acc, acc);
  printf("hash %016llx\n", (unsigned long long)h);
  return (int)(h & 0x7f);
}
