/* printf of floats/doubles/long doubles in many formats: %f %e %g %a, precision, rounding,
 * inf/nan, signed zero, denormals, extremes. */
#include <stdio.h>
#include <float.h>
#include <math.h>
#include <string.h>
#include <stdint.h>

static uint32_t hsum;
static void out(const char *s) { fputs(s, stdout); while (*s) hsum = hsum * 33 + (unsigned char)*s++; }

int main(void)
{
  static const double v[] = {
    0.0, -0.0, 1.0, -1.0, 0.5, 0.1, 0.2, 0.3, 1.0 / 3.0, 2.0 / 3.0, 3.14159265358979323846, 2.718281828459045,
    1e-300, 1e300, DBL_MAX, -DBL_MAX, DBL_MIN, DBL_MIN / 2, DBL_TRUE_MIN, 4.9406564584124654e-324 * 3,
    123456789.0, 1234567890123456789.0, 9007199254740993.0, 0.125, 0.0625, 1.5, 2.5, 3.5, -2.5, 0.05, 0.15, 0.25, 0.35,
    1e15, 1e16, 1e17, 1e21, 1e22, 1e23, 5e-5, 1e-5, 123.456, 999999.5, 0.9999995, 9.9999999,
  };
  static const char *fmts[] = {
    "%f", "%.0f", "%.1f", "%.2f", "%.10f", "%20.3f", "%-20.3f|", "%+f", "% f", "%020.4f",
    "%e", "%.0e", "%.3e", "%.16e", "%E", "%+.2e", "%g", "%.0g", "%.3g", "%.17g", "%#g", "%G", "%#.0f",
    "%a", "%.0a", "%.3a", "%A", "%.20g",
  };
  char buf[512];
  unsigned i, j;
  for (i = 0; i < sizeof v / sizeof v[0]; i++) {
    for (j = 0; j < sizeof fmts / sizeof fmts[0]; j++) {
      /* %f of huge numbers is long; keep it but bounded by buffer */
      snprintf(buf, sizeof buf, fmts[j], v[i]);
      out(buf); out(j + 1 < sizeof fmts / sizeof fmts[0] ? " " : "\n");
    }
  }
  double specials[] = { INFINITY, -INFINITY, NAN, -NAN };
  for (i = 0; i < 4; i++) {
    snprintf(buf, sizeof buf, "[%f] [%e] [%g] [%a] [%10f] [%-10e] [%+g] [%F] [%E] [%G] [%A]\n", specials[i], specials[i],
             specials[i], specials[i], specials[i], specials[i], specials[i], specials[i], specials[i], specials[i], specials[i]);
    out(buf);
  }
  /* floats promoted to double */
  float fv[] = { 1.1f, FLT_MAX, FLT_MIN, 1e-45f, 16777217.0f, 0.1f, -3.75f, 1.0f / 3.0f };
  for (i = 0; i < sizeof fv / sizeof fv[0]; i++) {
    snprintf(buf, sizeof buf, "float %.9g %a %e %.3f\n", fv[i], fv[i], fv[i], fv[i]);
    out(buf);
  }
  /* long double (128-bit quad on sparc64) */
  long double lv[] = { 1.0L, 0.1L, 1.0L / 3.0L, LDBL_MAX, LDBL_MIN, -LDBL_EPSILON, 3.14159265358979323846264338327950288L };
  for (i = 0; i < sizeof lv / sizeof lv[0]; i++) {
    snprintf(buf, sizeof buf, "ldbl %.36Lg %La %.5Le %Lf\n", lv[i], lv[i], lv[i], i == 3 ? 0.0L : lv[i]);
    out(buf);
  }
  /* rounding of halfway cases in %.Nf */
  for (i = 0; i < 40; i++) {
    double x = (double)i / 8.0 + 0.0625;
    snprintf(buf, sizeof buf, "%.3f/%.2f/%.1f/%.0f ", x, x, x, x);
    out(buf);
  }
  out("\n");
  /* many random doubles printed with %.17g and parsed back */
  uint64_t s = 0x12345678abcdefULL;
  int bad = 0;
  for (i = 0; i < 3000; i++) {
    s ^= s << 13; s ^= s >> 7; s ^= s << 17;
    uint64_t bits = s & 0x7fefffffffffffffULL;
    double d; memcpy(&d, &bits, 8);
    snprintf(buf, sizeof buf, "%.17g", d);
    double back; sscanf(buf, "%lf", &back);
    if (back != d) bad++;
    hsum = hsum * 31 + (uint32_t)strlen(buf);
    if (i % 300 == 0) { out(buf); out("\n"); }
  }
  snprintf(buf, sizeof buf, "roundtrip bad=%d hash=%08x\n", bad, hsum);
  out(buf);
  return (int)(hsum & 0x7f);
}
