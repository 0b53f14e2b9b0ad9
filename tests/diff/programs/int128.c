/* 128-bit integer math: mul/div/mod/shifts, printing via manual decimal conversion. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>

typedef unsigned __int128 u128;
typedef __int128 s128;

static void u128_to_str(u128 v, char *out)
{
  char buf[64], *p = buf + sizeof buf - 1;   /* digits written backwards: no reversal loop */
  *p = 0;
  do { *--p = (char)('0' + (int)(v % 10)); v /= 10; } while (v);
  memcpy(out, p, (size_t)(buf + sizeof buf - p));
}

static void s128_to_str(s128 v, char *out)
{
  if (v < 0) { *out++ = '-'; u128_to_str((u128)0 - (u128)v, out); }
  else u128_to_str((u128)v, out);
}

static void phex(const char *tag, u128 v)
{
  printf("%s %016llx%016llx\n", tag, (unsigned long long)(v >> 64), (unsigned long long)v);
}

static uint64_t state = 0x9E3779B97F4A7C15ULL;
static uint64_t rnd(void)
{
  state ^= state << 13; state ^= state >> 7; state ^= state << 17;
  return state;
}

int main(void)
{
  char s[80];
  u128 umax = ~(u128)0;
  s128 smax = (s128)(umax >> 1);
  s128 smin = -smax - 1;
  u128_to_str(umax, s); printf("umax %s\n", s);
  s128_to_str(smax, s); printf("smax %s\n", s);
  s128_to_str(smin, s); printf("smin %s\n", s);

  /* factorials until overflow of u128 */
  u128 f = 1;
  int k;
  for (k = 1; k <= 40; k++) {
    u128 nf;
    if (__builtin_mul_overflow(f, (u128)k, &nf)) { printf("overflow at %d!\n", k); break; }
    f = nf;
    if (k % 5 == 0 || k >= 30) { u128_to_str(f, s); printf("%d! = %s\n", k, s); }
  }
  /* powers of 3 */
  u128 p = 1;
  for (k = 0; k < 80; k++) p *= 3;
  u128_to_str(p, s); printf("3^80 = %s\n", s);

  /* shifts across the 64-bit boundary */
  u128 one = 1;
  for (k = 0; k < 128; k += 9) {
    u128 x = (one << k) | ((u128)0xA5 << (k / 2));
    phex("shl", x);
    phex("shr", umax >> k);
    phex("sar", (u128)(smin >> k));
  }

  /* random mul/div/mod checks: (a*b + c) / b == a, remainder c when c < b */
  uint64_t ck = 0;
  int bad = 0;
  for (k = 0; k < 2000; k++) {
    u128 a = ((u128)rnd() << (rnd() & 63)) ^ rnd();
    u128 b = (u128)(rnd() >> (rnd() & 63)) | 1;
    if (k & 1) b |= (u128)(rnd() >> 42) << 40;  /* b < 2^62 */
    b &= ((u128)1 << 62) - 1; b |= 1;
    u128 c = (u128)rnd() % b;
    u128 q, r;
    /* keep a*b+c below 2^127 so the signed variants are well defined */
    a = (a >> 64) >> 1;
    u128 prod = a * b + c;
    q = prod / b; r = prod % b;
    if (q != a || r != c) bad++;
    s128 sa = (s128)prod * ((k & 2) ? -1 : 1);
    s128 sb = (s128)b * ((k & 4) ? -1 : 1);
    s128 sq = sa / sb, sr = sa % sb;
    if (sq * sb + sr != sa) bad++;
    ck ^= (uint64_t)q * 31 + (uint64_t)(q >> 64) + (uint64_t)r * 7 + (uint64_t)sq + (uint64_t)((u128)sr >> 64);
    ck = (ck << 5) | (ck >> 59);
  }
  printf("random checks bad=%d ck=%016llx\n", bad, (unsigned long long)ck);

  /* specific divisions */
  u128 n = umax;
  u128 divs[] = { 1, 2, 3, 7, 10, 0xFFFFFFFFu, ((u128)1 << 64) - 1, (u128)1 << 64, ((u128)1 << 64) + 1, umax / 3, umax };
  for (k = 0; k < (int)(sizeof divs / sizeof divs[0]); k++) {
    char a[64], b[64];
    u128_to_str(n / divs[k], a);
    u128_to_str(n % divs[k], b);
    printf("umax / d[%d] = %s rem %s\n", k, a, b);
  }
  s128 sd[] = { 1, -1, 2, -2, 3, -10, (s128)1 << 100, -((s128)1 << 100) };
  for (k = 0; k < (int)(sizeof sd / sizeof sd[0]); k++) {
    char a[64], b[64];
    s128 numer = smin + 12345;
    s128_to_str(numer / sd[k], a);
    s128_to_str(numer % sd[k], b);
    printf("(smin+12345) / sd[%d] = %s rem %s\n", k, a, b);
  }
  /* clz/ctz/popcount on 128 bits via halves */
  u128 m = ((u128)0x0000F00000000000ULL << 64) | 0x10;
  printf("clz=%d ctz=%d pop=%d\n", __builtin_clzll((uint64_t)(m >> 64)),
         __builtin_ctzll((uint64_t)m), __builtin_popcountll((uint64_t)(m >> 64)) + __builtin_popcountll((uint64_t)m));
  return (int)((ck ^ (uint64_t)bad) & 0x7f);
}
