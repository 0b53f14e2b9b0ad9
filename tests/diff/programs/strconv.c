/* strtol/strtoul/strtoll/strtoull/atoi/atol/strtod, sprintf/snprintf/sscanf round trips. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <stdint.h>
#include <limits.h>

int main(void)
{
  static const char *ins[] = {
    "0", "42", "-42", "+17", "  \t 99xyz", "0x1F", "0X7fffffff", "077", "-0", "2147483647", "2147483648",
    "-2147483648", "-2147483649", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
    "-9223372036854775809", "18446744073709551615", "18446744073709551616", "-1", "abc", "", "  ", "0b101", "z",
    "1e5", "0x", "00000000000000000000000000000123",
  };
  int n = sizeof ins / sizeof ins[0], i;
  uint64_t h = 0;
  for (i = 0; i < n; i++) {
    char *e1, *e2, *e3;
    errno = 0; long a = strtol(ins[i], &e1, 0); int er1 = errno;
    errno = 0; unsigned long b = strtoul(ins[i], &e2, 10); int er2 = errno;
    errno = 0; long long c = strtoll(ins[i], &e3, 16); int er3 = errno;
    printf("%-34s strtol0=%ld/%d/%d strtoul10=%lu/%d/%d strtoll16=%lld/%d/%d atoi=%d\n", ins[i], a, (int)(e1 - ins[i]), er1 == ERANGE,
           b, (int)(e2 - ins[i]), er2 == ERANGE, c, (int)(e3 - ins[i]), er3 == ERANGE, atoi(ins[i]));
    h = h * 31 + (uint64_t)a + b * 3 + (uint64_t)c * 7;
  }
  /* bases 2..36 */
  for (i = 2; i <= 36; i++) {
    char *e;
    long v = strtol("zz1011", &e, i);
    unsigned long long u = strtoull("-11", NULL, i);
    printf("base %2d: %ld (consumed %d) neg=%llu\n", i, v, (int)(e - "zz1011"), u);
    h = h * 31 + (uint64_t)v + u;
  }
  /* sprintf/sscanf round-trip of many integers */
  char buf[128];
  uint64_t x = 0x0123456789abcdefULL;
  int bad = 0;
  for (i = 0; i < 3000; i++) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    long long sv = (long long)x >> (i % 64);
    int len = sprintf(buf, "%lld|%llx|%llo|%llu", sv, (unsigned long long)sv, (unsigned long long)x, (unsigned long long)x);
    long long r1; unsigned long long r2, r3, r4;
    int cnt = sscanf(buf, "%lld|%llx|%llo|%llu", &r1, &r2, &r3, &r4);
    if (cnt != 4 || r1 != sv || r2 != (unsigned long long)sv || r3 != x || r4 != x) bad++;
    h = h * 31 + (uint64_t)len;
  }
  printf("roundtrip bad=%d\n", bad);
  /* sscanf variety */
  int d1, d2; char w[32]; float f; double dd; char ch; unsigned hx;
  int k = sscanf("  123 -456 word 3.25 -1.5e3 Z ff", "%d %d %31s %f %lf %c %x", &d1, &d2, w, &f, &dd, &ch, &hx);
  printf("sscanf k=%d %d %d %s %.3f %.3f %c %u\n", k, d1, d2, w, f, dd, ch, hx);
  k = sscanf("key=value;rest", "%31[^=]=%31[^;]", w, buf);
  printf("scanset k=%d [%s] [%s]\n", k, w, buf);
  k = sscanf("12abc", "%d%n", &d1, &d2);
  printf("%%n: k=%d d1=%d n=%d\n", k, d1, d2);
  k = sscanf("", "%d", &d1);
  printf("empty k=%d\n", k);
  /* snprintf truncation */
  for (i = 0; i < 12; i++) {
    char sb[16];
    memset(sb, '.', sizeof sb);
    int r = snprintf(sb, (size_t)i, "abc%ddef", 12345);
    printf("snprintf(%2d) -> %d '%s'\n", i, r, i ? sb : "(none)");
  }
  printf("padding: [%8d] [%-8d] [%08d] [%+d] [% d] [%x] [%#x] [%#o] [%5.3d] [%*d] [%-*d]\n", 42, 42, 42, 42, 42, 255, 255, 8, 7, 6, 3, 6, 3);
  printf("chars: [%c] [%5c] [%-5c] [%s] [%.2s] [%10.3s] [%-10s]\n", 'A', 'B', 'C', "str", "string", "string", "left");
  double sd[] = { 0.0, 1.0, -2.5, 3.14159, 1e-10, 6.02e23, 123456.789 };
  for (i = 0; i < 7; i++) {
    char s[64];
    snprintf(s, sizeof s, "%.17g", sd[i]);
    double back = strtod(s, NULL);
    printf("strtod %s -> exact=%d\n", s, back == sd[i]);
  }
  printf("atol=%ld atoll=%lld\n", atol("-123456789012"), atoll("9000000000000000000"));
  printf("h=%016llx\n", (unsigned long long)h);
  return (int)((h + (uint64_t)bad) & 0x7f);
}
