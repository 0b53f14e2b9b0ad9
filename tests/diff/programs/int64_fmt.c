/* printf formatting of integer extremes: all widths, flags, length modifiers. */
#include <stdio.h>
#include <stdint.h>
#include <inttypes.h>
#include <limits.h>

int main(void)
{
  static const int64_t sv[] = { INT64_MIN, INT64_MIN + 1, -4294967296LL, INT32_MIN, -1, 0, 1, INT32_MAX,
                                4294967295LL, 4294967296LL, 999999999999999999LL, INT64_MAX - 1, INT64_MAX };
  static const uint64_t uv[] = { 0, 1, 255, 65535, UINT32_MAX, (uint64_t)UINT32_MAX + 1, 10000000000000000000ULL,
                                 UINT64_MAX - 1, UINT64_MAX };
  unsigned i;
  for (i = 0; i < sizeof sv / sizeof sv[0]; i++) {
    int64_t v = sv[i];
    printf("[%" PRId64 "] [%25" PRIi64 "] [%-25" PRId64 "] [%+" PRId64 "] [%025" PRId64 "] [% " PRId64 "] [%.22" PRId64 "]\n",
           v, v, v, v, v, v, v);
    printf("  hex [%" PRIx64 "] [%#" PRIX64 "] [%#24" PRIx64 "] [%#o]\n", (uint64_t)v, (uint64_t)v, (uint64_t)v, (unsigned)v);
    printf("  narrow [%hhd] [%hd] [%d] [%ld] [%hhu] [%hu] [%u]\n", (signed char)v, (short)v, (int)v, (long)v,
           (unsigned char)v, (unsigned short)v, (unsigned)v);
  }
  for (i = 0; i < sizeof uv / sizeof uv[0]; i++) {
    uint64_t v = uv[i];
    printf("u [%" PRIu64 "] [%30" PRIu64 "] [%" PRIo64 "] [%#" PRIo64 "] [%016" PRIx64 "] [%zu] [%jd]\n", v, v, v, v, v, (size_t)v, (intmax_t)v);
  }
  /* return value of printf / snprintf sizes */
  char buf[200];
  int total = 0;
  for (i = 0; i < sizeof sv / sizeof sv[0]; i++) total += snprintf(buf, sizeof buf, "%lld,%llu,%llx", (long long)sv[i], (unsigned long long)sv[i], (unsigned long long)sv[i]);
  printf("total chars %d\n", total);
  /* decimal conversion by hand vs printf */
  int bad = 0;
  uint64_t x = 1;
  for (i = 0; i < 2000; i++) {
    char a[32], b[32], *q = a + 31;
    int j;
    uint64_t t = x;
    *q = 0;
    do { *--q = (char)('0' + t % 10); t /= 10; } while (t);
    snprintf(b, sizeof b, "%llu", (unsigned long long)x);
    for (j = 0; q[j] || b[j]; j++) if (q[j] != b[j]) { bad++; break; }
    x = x * 3 + (x >> 7) + i;
  }
  printf("manual-vs-printf mismatches=%d\n", bad);
  printf("%%: 100%% [%5s] [%p]\n", "ok", (void *)0);
  return (total + bad) & 0x7f;
}
