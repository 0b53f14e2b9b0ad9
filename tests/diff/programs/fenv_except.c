/* FP exception flags: feclearexcept/fetestexcept after divide-by-zero, overflow, underflow,
 * inexact, invalid (0/0, sqrt(-1), inf-inf, NaN compare, conversions), feraiseexcept,
 * fegetenv/fesetenv/feholdexcept/feupdateenv. Built with -frounding-math. */
#include <stdio.h>
#include <fenv.h>
#include <math.h>

static void show(const char *what)
{
  int f = fetestexcept(FE_ALL_EXCEPT);
  printf("%-28s %s%s%s%s%s%s\n", what, f & FE_INVALID ? " invalid" : "", f & FE_DIVBYZERO ? " divbyzero" : "",
         f & FE_OVERFLOW ? " overflow" : "", f & FE_UNDERFLOW ? " underflow" : "", f & FE_INEXACT ? " inexact" : "",
         f ? "" : " none");
}

#define T(what, expr) do { feclearexcept(FE_ALL_EXCEPT); r = (expr); show(what); printf("   -> %a\n", (double)r); } while (0)

int main(void)
{
  volatile double zero = 0.0, one = 1.0, three = 3.0, big = 1e308, tiny = 1e-308, minus1 = -1.0, inf = INFINITY, qnan = NAN;
  volatile float fbig = 3e38f, ftiny = 1e-38f, fone = 1.0f, fzero = 0.0f;
  volatile long double lone = 1.0L, lzero = 0.0L, lbig = 1e4930L;
  volatile double r;
  feclearexcept(FE_ALL_EXCEPT);
  show("initial");
  T("1/0", one / zero);
  T("-1/0", minus1 / zero);
  T("0/0", zero / zero);
  T("1/3", one / three);
  T("2/1", (one + one) / one);
  T("big*10", big * 10.0);
  T("tiny*tiny", tiny * tiny);
  T("tiny/3 (denormal)", tiny / 3.0);
  T("sqrt(-1)", sqrt(minus1));
  T("inf-inf", inf - inf);
  T("inf*0", inf * zero);
  T("inf+1", inf + one);
  T("nan+1", qnan + one);
  T("float big*big", fbig * fbig);
  T("float tiny*tiny", ftiny * ftiny);
  T("float 1/0", fone / fzero);
  T("ld 1/0", lone / lzero);
  T("ld big*big", lbig * lbig);
  T("ld 1/3", lone / (lone * 3));
  T("(int)1e10 via lrint", (double)(int)lrint(1e10));
  T("(float)1e300", (float)big);
  T("(float)0.1", (float)(one / 10.0));
  T("fma", fma(big, 10.0, -big));
  T("exp(1000)", exp(1000.0 * one));
  T("log(0)", log(zero));
  T("log(-1)", log(minus1));
  T("pow(0,-1)", pow(zero, minus1));
  feclearexcept(FE_ALL_EXCEPT);
  volatile int c = qnan < one;
  show("nan < 1 (signalling cmp)");
  feclearexcept(FE_ALL_EXCEPT);
  c = qnan == one;
  show("nan == 1 (quiet cmp)");
  feclearexcept(FE_ALL_EXCEPT);
  c = isless(qnan, one);
  show("isless(nan,1)");
  (void)c;
  /* accumulation of flags across several ops */
  feclearexcept(FE_ALL_EXCEPT);
  r = one / three; r = big * big; r = one / zero;
  show("accumulated");
  feclearexcept(FE_INEXACT);
  show("after clear inexact");
  /* raise explicitly */
  feclearexcept(FE_ALL_EXCEPT);
  feraiseexcept(FE_UNDERFLOW | FE_INVALID);
  show("feraiseexcept uf|inv");
  /* save/restore environment */
  fenv_t env;
  fegetenv(&env);
  feclearexcept(FE_ALL_EXCEPT);
  fesetround(FE_UPWARD);
  r = one / three;
  show("after change");
  fesetenv(&env);
  show("after fesetenv");
  printf("round restored=%d\n", fegetround() == FE_TONEAREST);
  fexcept_t fl;
  fegetexceptflag(&fl, FE_ALL_EXCEPT);
  feclearexcept(FE_ALL_EXCEPT);
  fesetexceptflag(&fl, FE_INVALID);
  show("fesetexceptflag invalid");
  feholdexcept(&env);
  show("feholdexcept");
  r = one / zero;
  feupdateenv(&env);
  show("feupdateenv");
  return fetestexcept(FE_ALL_EXCEPT) & 0x7f;
}
