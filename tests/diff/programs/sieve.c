/* Sieve of Eratosthenes (byte and bit versions), segmented sieve, prime counting,
 * twin primes, Miller-Rabin on 64-bit numbers (128-bit mulmod). */
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>

static uint64_t mulmod(uint64_t a, uint64_t b, uint64_t m) { return (uint64_t)((unsigned __int128)a * b % m); }
static uint64_t powmod(uint64_t a, uint64_t e, uint64_t m) { uint64_t r = 1; a %= m; while (e) { if (e & 1) r = mulmod(r, a, m); a = mulmod(a, a, m); e >>= 1; } return r; }
static int is_prime_mr(uint64_t n)
{
  static const uint64_t bases[] = { 2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37 };
  if (n < 2) return 0;
  int i;
  for (i = 0; i < 12; i++) { if (n % bases[i] == 0) return n == bases[i]; }
  uint64_t d = n - 1; int s = 0;
  while (!(d & 1)) { d >>= 1; s++; }
  for (i = 0; i < 12; i++) {
    uint64_t x = powmod(bases[i], d, n);
    if (x == 1 || x == n - 1) continue;
    int r, comp = 1;
    for (r = 1; r < s; r++) { x = mulmod(x, x, n); if (x == n - 1) { comp = 0; break; } }
    if (comp) return 0;
  }
  return 1;
}

int main(void)
{
  const int N = 2000000;
  unsigned char *comp = calloc((size_t)N + 1, 1);
  int i, j, count = 0, twins = 0, last = 0;
  uint64_t sum = 0;
  for (i = 2; (int64_t)i * i <= N; i++) if (!comp[i]) for (j = i * i; j <= N; j += i) comp[j] = 1;
  for (i = 2; i <= N; i++) if (!comp[i]) { count++; sum += (uint64_t)i; if (i - last == 2) twins++; last = i; }
  printf("byte sieve: pi(%d)=%d sum=%llu twins=%d largest=%d\n", N, count, (unsigned long long)sum, twins, last);
  /* bit sieve over odd numbers */
  uint64_t *bits = calloc((size_t)N / 128 + 1, 8);
  for (i = 3; (int64_t)i * i <= N; i += 2)
    if (!(bits[i / 128] >> ((i / 2) & 63) & 1))
      for (j = i * i; j <= N; j += 2 * i) bits[j / 128] |= 1ULL << ((j / 2) & 63);
  int bc = 1;
  for (i = 3; i <= N; i += 2) if (!(bits[i / 128] >> ((i / 2) & 63) & 1)) bc++;
  printf("bit sieve: pi=%d match=%d\n", bc, bc == count);
  /* segmented sieve of [10^12, 10^12 + 100000) */
  const uint64_t lo = 1000000000000ULL, len = 100000;
  unsigned char *seg = calloc(len, 1);
  for (i = 2; (uint64_t)i * i < lo + len; i++) {
    if (i <= N && comp[i]) continue;
    uint64_t st = (lo + (uint64_t)i - 1) / (uint64_t)i * (uint64_t)i;
    for (; st < lo + len; st += (uint64_t)i) seg[st - lo] = 1;
  }
  int sc = 0, agree = 1; uint64_t first = 0;
  for (uint64_t k = 0; k < len; k++) if (!seg[k]) { sc++; if (!first) first = lo + k; if ((k & 255) == 1 && !is_prime_mr(lo + k)) agree = 0; }
  printf("segment [1e12,+1e5): primes=%d first=%llu mr-agree=%d\n", sc, (unsigned long long)first, agree);
  static const uint64_t cand[] = { 18446744073709551557ULL, 18446744073709551559ULL, 9223372036854775783ULL, 4294967291ULL,
                                   4294967297ULL, 3215031751ULL, 1000000007ULL * 998244353ULL, 2305843009213693951ULL };
  for (i = 0; i < 8; i++) printf("mr(%llu)=%d\n", (unsigned long long)cand[i], is_prime_mr(cand[i]));
  free(comp); free(bits); free(seg);
  return (count + twins) & 0x7f;
}
