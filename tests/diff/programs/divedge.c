/* Signed/unsigned division edge cases, including INT_MIN/-1 through inline asm
 * (sdiv/udiv with %y, sdivcc/udivcc overflow flags, sdivx/udivx). */
#include <stdio.h>
#include <stdint.h>
#include <limits.h>

static int64_t asm_sdiv(uint32_t hi, uint32_t lo, int32_t d)
{
  int64_t r;
  __asm__ volatile("wr %1, 0, %%y\n\tnop\n\tnop\n\tnop\n\tsdiv %2, %3, %0"
                   : "=r"(r) : "r"((uint64_t)hi), "r"((uint64_t)lo), "r"((int64_t)d));
  return r;
}
static uint64_t asm_udiv(uint32_t hi, uint32_t lo, uint32_t d)
{
  uint64_t r;
  __asm__ volatile("wr %1, 0, %%y\n\tnop\n\tnop\n\tnop\n\tudiv %2, %3, %0"
                   : "=r"(r) : "r"((uint64_t)hi), "r"((uint64_t)lo), "r"((uint64_t)d));
  return r;
}
static uint64_t asm_sdivcc(uint32_t hi, uint32_t lo, int32_t d, uint64_t *ccr)
{
  uint64_t r, c;
  __asm__ volatile("wr %2, 0, %%y\n\tnop\n\tnop\n\tnop\n\tsdivcc %3, %4, %0\n\trd %%ccr, %1"
                   : "=&r"(r), "=r"(c) : "r"((uint64_t)hi), "r"((uint64_t)lo), "r"((int64_t)d) : "cc");
  *ccr = c;
  return r;
}
static uint64_t asm_udivcc(uint32_t hi, uint32_t lo, uint32_t d, uint64_t *ccr)
{
  uint64_t r, c;
  __asm__ volatile("wr %2, 0, %%y\n\tnop\n\tnop\n\tnop\n\tudivcc %3, %4, %0\n\trd %%ccr, %1"
                   : "=&r"(r), "=r"(c) : "r"((uint64_t)hi), "r"((uint64_t)lo), "r"((uint64_t)d) : "cc");
  *ccr = c;
  return r;
}
static int64_t asm_sdivx(int64_t a, int64_t b)
{
  int64_t r;
  __asm__ volatile("sdivx %1, %2, %0" : "=r"(r) : "r"(a), "r"(b));
  return r;
}
static uint64_t asm_udivx(uint64_t a, uint64_t b)
{
  uint64_t r;
  __asm__ volatile("udivx %1, %2, %0" : "=r"(r) : "r"(a), "r"(b));
  return r;
}

int main(void)
{
  static const int32_t v32[] = { INT32_MIN, INT32_MIN + 1, -65536, -7, -3, -2, -1, 1, 2, 3, 7, 65536, INT32_MAX - 1, INT32_MAX };
  static const int64_t v64[] = { INT64_MIN, INT64_MIN + 1, -4294967296LL, -7, -2, -1, 1, 2, 7, 4294967295LL, 4294967296LL, INT64_MAX };
  int n32 = sizeof v32 / sizeof v32[0], n64 = sizeof v64 / sizeof v64[0];
  int i, j;
  uint64_t ck = 0;

  printf("C-level 32-bit signed (skipping INT_MIN/-1)\n");
  for (i = 0; i < n32; i++)
    for (j = 0; j < n32; j++) {
      volatile int32_t a = v32[i], b = v32[j];
      if (a == INT32_MIN && b == -1) continue;
      ck = ck * 131 + (uint32_t)(a / b) + (uint32_t)(a % b) * 3;
      ck = ck * 131 + ((uint32_t)a / (uint32_t)b) + ((uint32_t)a % (uint32_t)b) * 5;
    }
  printf("ck32 %016llx\n", (unsigned long long)ck);
  for (i = 0; i < n64; i++)
    for (j = 0; j < n64; j++) {
      volatile int64_t a = v64[i], b = v64[j];
      if (a == INT64_MIN && b == -1) continue;
      ck = ck * 131 + (uint64_t)(a / b) + (uint64_t)(a % b) * 3;
      ck = ck * 131 + ((uint64_t)a / (uint64_t)b) + ((uint64_t)a % (uint64_t)b) * 5;
    }
  printf("ck64 %016llx\n", (unsigned long long)ck);

  printf("sdiv via %%y:\n");
  for (i = 0; i < n32; i++)
    for (j = 0; j < n32; j += 3) {
      int32_t a = v32[i], d = v32[j];
      uint32_t hi = a < 0 ? 0xffffffffu : 0;
      printf(" %11d / %11d = %016llx\n", a, d, (unsigned long long)asm_sdiv(hi, (uint32_t)a, d));
    }
  printf("sdiv INT_MIN/-1 = %016llx\n", (unsigned long long)asm_sdiv(0xffffffffu, 0x80000000u, -1));
  printf("sdiv overflow pos = %016llx\n", (unsigned long long)asm_sdiv(0x00000100u, 0, 2));
  printf("sdiv overflow neg = %016llx\n", (unsigned long long)asm_sdiv(0xffffff00u, 0, 2));
  printf("udiv overflow = %016llx\n", (unsigned long long)asm_udiv(0x00000100u, 0, 2));
  printf("udiv big = %016llx\n", (unsigned long long)asm_udiv(0x00000001u, 0x23456789u, 0x10000u));
  printf("udiv hi=y = %016llx\n", (unsigned long long)asm_udiv(0x7fffffffu, 0xffffffffu, 0xffffffffu));

  static const struct { uint32_t hi, lo; int32_t d; } sc[] = {
    { 0xffffffffu, 0x80000000u, -1 }, { 0, 0x7fffffffu, 1 }, { 0, 0, 5 }, { 0xffffffffu, 0xfffffffbu, 5 },
    { 0x1u, 0x0u, 2 }, { 0x1u, 0x0u, 3 }, { 0xfffffffeu, 0x0u, 3 }, { 0, 5, -5 }, { 0x12345u, 0x6789u, -1 },
  };
  for (i = 0; i < (int)(sizeof sc / sizeof sc[0]); i++) {
    uint64_t c1, c2;
    uint64_t r1 = asm_sdivcc(sc[i].hi, sc[i].lo, sc[i].d, &c1);
    uint64_t r2 = asm_udivcc(sc[i].hi, sc[i].lo, (uint32_t)sc[i].d, &c2);
    printf("divcc %08x:%08x / %08x: s=%016llx ccr=%02llx u=%016llx ccr=%02llx\n", sc[i].hi, sc[i].lo,
           (uint32_t)sc[i].d, (unsigned long long)r1, (unsigned long long)c1, (unsigned long long)r2, (unsigned long long)c2);
  }

  printf("sdivx/udivx:\n");
  for (i = 0; i < n64; i++)
    for (j = 0; j < n64; j += 2) {
      printf(" %20lld / %20lld = %016llx u %016llx\n", (long long)v64[i], (long long)v64[j],
             (unsigned long long)asm_sdivx(v64[i], v64[j]), (unsigned long long)asm_udivx((uint64_t)v64[i], (uint64_t)v64[j]));
    }
  printf("sdivx INT64_MIN/-1 = %016llx\n", (unsigned long long)asm_sdivx(INT64_MIN, -1));
  return (int)(ck & 0x7f);
}
